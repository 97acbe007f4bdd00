import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { type KafkaProducer, createKafka, createProducer } from '@ecommerce/kafka';
import { OutboxRelay, messagingMetrics } from '@ecommerce/messaging';
import { createLogger, MetricsRegistry } from '@ecommerce/observability';
import type { Logger } from 'pino';
import { SERVICE_CONFIG, type ServiceConfig } from '../config';

export const SERVICE_NAME = 'user-service';
/** Wait between two tries to start when Kafka or the database is not there yet. */
const START_RETRY_MS = 2_000;

/**
 * Kafka for user-service, which only publishes: the relay that publishes the outbox (UserRegistered,
 * written in the transaction that creates the user: see users/user-events.ts) to user.events.v1.
 *
 * Started in the background once the application has bootstrapped: a broker or a database that
 * is down at boot leaves the service up and NOT_SERVING (see {@link assertRunning}) and is tried
 * again every 2 s. Stopped before the database closes: the relay finishes its batch, then the
 * producer disconnects. Users registered meanwhile wait in the outbox, nothing is lost.
 */
@Injectable()
export class MessagingService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly producer: KafkaProducer;
  private readonly relay: OutboxRelay;
  private readonly logger: Logger;
  private started = { producer: false, relay: false };
  private running = false;
  private stopping = false;
  private starting?: Promise<void>;
  private wakeUp?: () => void;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig, registry: MetricsRegistry) {
    this.logger = createLogger(SERVICE_NAME, config.LOG_LEVEL).child({ component: 'messaging' });
    const kafka = createKafka({ clientId: SERVICE_NAME, brokers: config.KAFKA_BROKERS, logger: this.logger });
    this.producer = createProducer(kafka);
    this.relay = new OutboxRelay({
      database: { connectionString: config.DATABASE_URL },
      producer: this.producer,
      logger: this.logger,
    });
    messagingMetrics(registry, { relay: this.relay, logger: this.logger });
  }

  onApplicationBootstrap(): void {
    this.starting = this.startUntilRunning();
  }

  /** For the readiness probe: throws until the relay runs. */
  assertRunning(): void {
    if (!this.running) throw new Error('the outbox relay is not running yet');
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.starting;
    await this.stopStarted();
  }

  private async startUntilRunning(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.producer.connect();
        this.started.producer = true;
        await this.relay.start();
        this.started.relay = true;
        this.running = true;
        this.logger.info({}, 'messaging running: outbox relay started');
        return;
      } catch (error) {
        this.logger.warn({ error: String(error) }, `messaging could not start: retrying in ${START_RETRY_MS} ms`);
        await this.stopStarted();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, START_RETRY_MS);
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  private async stopStarted(): Promise<void> {
    this.running = false;
    const { relay, producer } = this.started;
    this.started = { producer: false, relay: false };
    if (relay) await this.quietly('outbox relay', () => this.relay.stop());
    if (producer) await this.quietly('producer', () => this.producer.disconnect());
  }

  private async quietly(what: string, stop: () => Promise<void>): Promise<void> {
    try {
      await stop();
    } catch (error) {
      this.logger.warn({ error: String(error) }, `${what} did not stop cleanly`);
    }
  }
}
