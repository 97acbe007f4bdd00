import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { TOPICS } from '@ecommerce/contracts';
import {
  type ConsumerHandlers,
  ServiceMessaging,
  type ServiceMessagingMessages,
  withAfterCommit,
} from '@ecommerce/messaging';
import { createLogger, MetricsRegistry } from '@ecommerce/observability';
import { SERVICE_CONFIG, SERVICE_NAME, type ServiceConfig } from '../config';
import { PrismaService, type PrismaTx } from '../database/prisma.service';

/** What it logs once messaging runs, and what readiness reports until then. */
const MESSAGES: ServiceMessagingMessages = {
  running: 'messaging running: consumers of user.events.v1 and order.events.v1 started',
  notRunning: 'Kafka consumers are not running yet',
};

/**
 * Kafka for notification-service, which only consumes: two idempotent consumers, one per topic
 * and each its own consumer group, so that one topic's retries never hold up the other's events. Handlers are registered by notifications.consumer.ts. The
 * producer only writes dead letters.
 *
 * Started in the background once the application has bootstrapped (a broker that is down at
 * boot leaves the service up and NOT_SERVING, see {@link assertRunning}, and is tried again
 * every 2 s); stopped before the database closes: each consumer finishes its message and
 * commits, then the producer disconnects.
 */
@Injectable()
export class MessagingService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** user.events.v1: UserRegistered, UserDeleted. */
  readonly userEvents: ConsumerHandlers<PrismaTx>;
  /** order.events.v1: OrderConfirmed, OrderCancelled. */
  readonly orderEvents: ConsumerHandlers<PrismaTx>;
  private readonly messaging: ServiceMessaging<PrismaTx>;

  constructor(
    prisma: PrismaService,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    registry: MetricsRegistry,
  ) {
    // withAfterCommit: a handler that recorded a notification wakes the sender once it committed.
    const db = withAfterCommit<PrismaTx>(prisma);
    const users = { groupId: `${SERVICE_NAME}-users`, topics: [TOPICS.userEvents], db };
    const orders = { groupId: `${SERVICE_NAME}-orders`, topics: [TOPICS.orderEvents], db };
    this.messaging = new ServiceMessaging<PrismaTx>({
      service: SERVICE_NAME,
      brokers: config.KAFKA_BROKERS,
      // No databaseUrl: nothing to publish, so no outbox relay.
      consumers: [users, orders],
      logger: createLogger(SERVICE_NAME, config.LOG_LEVEL).child({ component: 'messaging' }),
      registry,
      messages: MESSAGES,
    });
    this.userEvents = this.messaging.consumer(users.groupId);
    this.orderEvents = this.messaging.consumer(orders.groupId);
  }

  onApplicationBootstrap(): void {
    void this.messaging.start();
  }

  /** For the readiness probe: throws until both consumers run. */
  assertRunning(): void {
    this.messaging.assertRunning();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.messaging.stop();
  }
}
