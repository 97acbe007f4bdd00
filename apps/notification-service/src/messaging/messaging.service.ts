import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { TOPICS } from '@ecommerce/contracts';
import { type KafkaProducer, createKafka, createProducer } from '@ecommerce/kafka';
import { InboxConsumer, messagingMetrics } from '@ecommerce/messaging';
import { createLogger, MetricsRegistry } from '@ecommerce/observability';
import type { Logger } from 'pino';
import { SERVICE_CONFIG, SERVICE_NAME, type ServiceConfig } from '../config';
import { PrismaService, type PrismaTx } from '../database/prisma.service';

/** Wait between two tries to start when Kafka is not there yet. */
const START_RETRY_MS = 2_000;

/**
 * Kafka for notification-service, which only consumes: two idempotent consumers, one per topic
 * and each its own consumer group, so that one topic's retries (an SMTP server refusing mail)
 * never hold up the other's events. Handlers are registered by notifications.consumer.ts. The
 * producer only writes dead letters.
 *
 * Started in the background once the application has bootstrapped (a broker that is down at
 * boot leaves the service up and NOT_SERVING, see {@link assertRunning}, and is tried again
 * every 2 s); stopped before the database closes: each consumer finishes its message and
 * commits, then the producer disconnects.
 */
@Injectable()
export class MessagingService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** user.events.v1: UserRegistered. */
  readonly userEvents: InboxConsumer<PrismaTx>;
  /** order.events.v1: OrderConfirmed, OrderCancelled. */
  readonly orderEvents: InboxConsumer<PrismaTx>;
  private readonly producer: KafkaProducer;
  private readonly logger: Logger;
  private started = { producer: false, consumers: [] as InboxConsumer<PrismaTx>[] };
  private running = false;
  private stopping = false;
  private starting?: Promise<void>;
  private wakeUp?: () => void;

  constructor(prisma: PrismaService, @Inject(SERVICE_CONFIG) config: ServiceConfig, registry: MetricsRegistry) {
    this.logger = createLogger(SERVICE_NAME, config.LOG_LEVEL).child({ component: 'messaging' });
    const kafka = createKafka({ clientId: SERVICE_NAME, brokers: config.KAFKA_BROKERS, logger: this.logger });
    this.producer = createProducer(kafka);
    const groups = { users: `${SERVICE_NAME}-users`, orders: `${SERVICE_NAME}-orders` };
    const metrics = messagingMetrics(registry, {
      kafka,
      consumers: [
        { groupId: groups.users, topics: [TOPICS.userEvents] },
        { groupId: groups.orders, topics: [TOPICS.orderEvents] },
      ],
      logger: this.logger,
    });
    const consumer = (groupId: string, topic: string) =>
      new InboxConsumer<PrismaTx>({
        kafka,
        producer: this.producer,
        db: prisma,
        groupId,
        topics: [topic],
        logger: this.logger,
        onOutcome: metrics.onOutcome,
      });
    this.userEvents = consumer(groups.users, TOPICS.userEvents);
    this.orderEvents = consumer(groups.orders, TOPICS.orderEvents);
  }

  onApplicationBootstrap(): void {
    this.starting = this.startUntilRunning();
  }

  /** For the readiness probe: throws until both consumers run. */
  assertRunning(): void {
    if (!this.running) throw new Error('Kafka consumers are not running yet');
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
        for (const consumer of [this.userEvents, this.orderEvents]) {
          if (this.stopping) return;
          this.started.consumers.push(consumer);
          await consumer.start();
        }
        this.running = true;
        this.logger.info({}, 'messaging running: consumers of user.events.v1 and order.events.v1 started');
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
    const { producer, consumers } = this.started;
    this.started = { producer: false, consumers: [] };
    await Promise.all(consumers.map((consumer) => this.quietly('consumer', () => consumer.stop())));
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
