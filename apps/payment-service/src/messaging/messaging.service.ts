import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { TOPICS } from '@ecommerce/contracts';
import { type KafkaProducer, createKafka, createProducer } from '@ecommerce/kafka';
import { InboxConsumer, Outbox, OutboxRelay, messagingMetrics } from '@ecommerce/messaging';
import { createLogger, MetricsRegistry } from '@ecommerce/observability';
import type { Logger } from 'pino';
import { SERVICE_CONFIG, SERVICE_NAME, type ServiceConfig } from '../config';
import { PrismaService, type PrismaTx } from '../database/prisma.service';

/** Wait between two tries to start when Kafka or the database is not there yet. */
const START_RETRY_MS = 2_000;

/**
 * Kafka for payment-service: the outbox its replies are written to, the relay that publishes
 * them, and the idempotent consumer of payment.commands.v1 (handlers: payments.consumer.ts).
 *
 * Started after every module registered its handlers (onApplicationBootstrap), in the
 * background: a broker or a database that is down at boot leaves the service up and
 * NOT_SERVING (see {@link assertRunning}) and is tried again every 2 s. Stopped before the
 * database closes (beforeApplicationShutdown), in order: the consumer finishes its message and
 * commits, the relay finishes its batch, then the producer they share disconnects.
 */
@Injectable()
export class MessagingService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** Where handlers write their replies, in their transaction. */
  readonly outbox = new Outbox({ source: SERVICE_NAME });
  /** Register handlers with `.on()` before the application bootstraps. */
  readonly consumer: InboxConsumer<PrismaTx>;
  private readonly producer: KafkaProducer;
  private readonly relay: OutboxRelay;
  private readonly logger: Logger;
  private started = { producer: false, relay: false, consumer: false };
  private running = false;
  private stopping = false;
  private starting?: Promise<void>;
  private wakeUp?: () => void;

  constructor(prisma: PrismaService, @Inject(SERVICE_CONFIG) config: ServiceConfig, registry: MetricsRegistry) {
    this.logger = createLogger(SERVICE_NAME, config.LOG_LEVEL).child({ component: 'messaging' });
    const kafka = createKafka({ clientId: SERVICE_NAME, brokers: config.KAFKA_BROKERS, logger: this.logger });
    this.producer = createProducer(kafka);
    this.relay = new OutboxRelay({
      database: { connectionString: config.DATABASE_URL },
      producer: this.producer,
      logger: this.logger,
    });
    const groupId = SERVICE_NAME;
    const topics = [TOPICS.paymentCommands];
    const metrics = messagingMetrics(registry, { relay: this.relay, kafka, consumers: [{ groupId, topics }], logger: this.logger });
    this.consumer = new InboxConsumer({
      kafka,
      producer: this.producer,
      db: prisma,
      groupId,
      topics,
      logger: this.logger,
      onOutcome: metrics.onOutcome,
    });
  }

  onApplicationBootstrap(): void {
    this.starting = this.startUntilRunning();
  }

  /** For the readiness probe: throws until the consumer and the relay run. */
  assertRunning(): void {
    if (!this.running) throw new Error('Kafka messaging is not running yet');
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
        await this.startOnce();
        this.running = true;
        this.logger.info({}, 'messaging running: consumer started, outbox relay started');
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

  private async startOnce(): Promise<void> {
    await this.producer.connect();
    this.started.producer = true;
    await this.relay.start();
    this.started.relay = true;
    if (this.stopping) return;
    this.started.consumer = true;
    await this.consumer.start();
  }

  private async stopStarted(): Promise<void> {
    this.running = false;
    const { consumer, relay, producer } = this.started;
    this.started = { producer: false, relay: false, consumer: false };
    if (consumer) await this.quietly('consumer', () => this.consumer.stop());
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
