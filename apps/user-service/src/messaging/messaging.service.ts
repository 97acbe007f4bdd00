import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ServiceMessaging, type ServiceMessagingMessages } from '@ecommerce/messaging';
import { createLogger, MetricsRegistry } from '@ecommerce/observability';
import { SERVICE_CONFIG, type ServiceConfig } from '../config';

export const SERVICE_NAME = 'user-service';

/** What it logs once messaging runs, and what readiness reports until then. */
const MESSAGES: ServiceMessagingMessages = {
  running: 'messaging running: outbox relay started',
  notRunning: 'the outbox relay is not running yet',
};

/**
 * Kafka for user-service, which only publishes: the relay that publishes the outbox (UserRegistered
 * and UserDeleted, written in the transactions that create and delete a user: see
 * users/user-events.ts) to user.events.v1.
 *
 * Started in the background once the application has bootstrapped: a broker or a database that
 * is down at boot leaves the service up and NOT_SERVING (see {@link assertRunning}) and is tried
 * again every 2 s. Stopped before the database closes: the relay finishes its batch, then the
 * producer disconnects. Users registered meanwhile wait in the outbox, nothing is lost.
 */
@Injectable()
export class MessagingService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly messaging: ServiceMessaging;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig, registry: MetricsRegistry) {
    this.messaging = new ServiceMessaging({
      service: SERVICE_NAME,
      brokers: config.KAFKA_BROKERS,
      databaseUrl: config.DATABASE_URL,
      logger: createLogger(SERVICE_NAME, config.LOG_LEVEL).child({ component: 'messaging' }),
      registry,
      messages: MESSAGES,
    });
  }

  onApplicationBootstrap(): void {
    void this.messaging.start();
  }

  /** For the readiness probe: throws until the relay runs. */
  assertRunning(): void {
    this.messaging.assertRunning();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.messaging.stop();
  }
}
