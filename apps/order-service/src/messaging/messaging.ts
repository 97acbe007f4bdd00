import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { PinoLogger } from 'nestjs-pino';
import { type EventDefinition, TOPICS } from '@ecommerce/contracts';
import {
  type ConsumerHandlers,
  type EventHandler,
  Outbox,
  ServiceMessaging,
  type ServiceMessagingMessages,
  withAfterCommit,
} from '@ecommerce/messaging';
import { MetricsRegistry } from '@ecommerce/observability';
import { SERVICE_CONFIG, SERVICE_NAME, type ServiceConfig } from '../config';
import { PrismaService } from '../database/prisma.service';
import type { Prisma } from '../generated/prisma/client';

/** What handlers get: Prisma's transaction client, in which the inbox row is written too. */
export type Tx = Prisma.TransactionClient;

/** Between two attempts to reach the database and the broker after a failed start. */
const RETRY_START_MS = 5_000;
/** How long the application's start waits for messaging to run. */
const BOOT_WAIT_MS = 5_000;
/** The participants' replies the saga consumes. */
const REPLY_TOPICS = [TOPICS.inventoryEvents, TOPICS.paymentEvents];

/** What it logs once messaging runs, and what readiness reports until then. */
const MESSAGES: ServiceMessagingMessages = {
  running: 'messaging started: outbox relay and consumer running',
  notRunning: (lastError) => `Kafka messaging is not running: ${lastError ?? 'not started yet'}`,
};

/**
 * order-service's Kafka side (@ecommerce/messaging): the outbox its use cases write to, the
 * relay that publishes it, and the inbox consumer of the replies on `inventory.events.v1` and
 * `payment.events.v1`, whose handlers the saga registers with {@link on}.
 *
 * Starts once every module is initialised (all handlers are registered by then), in the
 * background: when the database or the broker cannot be reached yet, it keeps trying (a new
 * producer, relay and consumer each time, so no half-started client is reused), and readiness
 * (NOT_SERVING until it runs) says why. Stops after the deadline sweeper (onModuleDestroy) and
 * before the database closes (onApplicationShutdown): consumer (finishes its message), relay
 * (finishes its batch), producer.
 */
@Injectable()
export class Messaging implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** `ce_source` = the service name. Stateless: writes through the caller's transaction. */
  readonly outbox = new Outbox({ source: SERVICE_NAME });
  private readonly messaging: ServiceMessaging<Tx>;
  private readonly replies: ConsumerHandlers<Tx>;
  private readonly stopping = new AbortController();

  constructor(
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    prisma: PrismaService,
    logger: PinoLogger,
    registry: MetricsRegistry,
  ) {
    logger.setContext('messaging');
    // Handlers may act once their transaction commits (the saga counts its outcomes so).
    const replies = {
      groupId: SERVICE_NAME,
      topics: REPLY_TOPICS,
      db: withAfterCommit<Tx>(prisma),
    };
    this.messaging = new ServiceMessaging<Tx>({
      service: SERVICE_NAME,
      brokers: config.KAFKA_BROKERS,
      databaseUrl: config.DATABASE_URL,
      consumers: [replies],
      logger,
      registry,
      retryDelayMs: RETRY_START_MS,
      freshPartsPerAttempt: true,
      messages: MESSAGES,
    });
    this.replies = this.messaging.consumer(replies.groupId);
  }

  /** Registers the handler of one event type; call it before the application starts. */
  on<T>(event: EventDefinition<T>, handler: EventHandler<Tx, T>): this {
    this.replies.on(event, handler);
    return this;
  }

  /** For the readiness probe: throws unless the relay runs and the consumer has joined its group. */
  assertRunning(): void {
    this.messaging.assertRunning();
  }

  async onApplicationBootstrap(): Promise<void> {
    const { signal } = this.stopping;
    // A consumer normally joins its group well within this, so a healthy service is ready at
    // its first probe. No longer: after a crash the group waits for the dead member's session
    // to expire (up to 30 s), and meanwhile the gRPC server should already serve.
    await Promise.race([
      this.messaging.start(),
      sleep(BOOT_WAIT_MS, undefined, { signal }).catch(() => undefined),
    ]);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.messaging.stop();
  }
}
