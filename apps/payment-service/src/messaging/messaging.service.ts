import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { TOPICS } from '@ecommerce/contracts';
import { type ConsumerHandlers, Outbox, ServiceMessaging, type ServiceMessagingMessages } from '@ecommerce/messaging';
import { createLogger, MetricsRegistry } from '@ecommerce/observability';
import { SERVICE_CONFIG, SERVICE_NAME, type ServiceConfig } from '../config';
import { PrismaService, type PrismaTx } from '../database/prisma.service';

/** What it logs once messaging runs, and what readiness reports until then. */
const MESSAGES: ServiceMessagingMessages = {
  running: 'messaging running: consumer started, outbox relay started',
  notRunning: 'Kafka messaging is not running yet',
};

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
  readonly consumer: ConsumerHandlers<PrismaTx>;
  private readonly messaging: ServiceMessaging<PrismaTx>;

  constructor(prisma: PrismaService, @Inject(SERVICE_CONFIG) config: ServiceConfig, registry: MetricsRegistry) {
    const commands = { groupId: SERVICE_NAME, topics: [TOPICS.paymentCommands], db: prisma };
    this.messaging = new ServiceMessaging<PrismaTx>({
      service: SERVICE_NAME,
      brokers: config.KAFKA_BROKERS,
      databaseUrl: config.DATABASE_URL,
      consumers: [commands],
      logger: createLogger(SERVICE_NAME, config.LOG_LEVEL).child({ component: 'messaging' }),
      registry,
      messages: MESSAGES,
    });
    this.consumer = this.messaging.consumer(commands.groupId);
  }

  onApplicationBootstrap(): void {
    void this.messaging.start();
  }

  /** For the readiness probe: throws until the consumer and the relay run. */
  assertRunning(): void {
    this.messaging.assertRunning();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.messaging.stop();
  }
}
