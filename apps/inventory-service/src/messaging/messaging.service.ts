import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { TOPICS } from '@ecommerce/contracts';
import { ServiceMessaging, type ServiceMessagingMessages } from '@ecommerce/messaging';
import { MetricsRegistry } from '@ecommerce/observability';
import { SERVICE_CONFIG, SERVICE_NAME, type ServiceConfig } from '../config';
import { PrismaService, type Tx } from '../database/prisma.service';
import { ReservationsConsumer } from '../reservations/reservations.consumer';

/**
 * Partitions of inventory.commands.v1 handled at the same time by one instance. One order's
 * messages stay one at a time and in order; different orders (across partitions, and across
 * keys within a fetched batch) run concurrently, and the stock row locks are what keeps
 * concurrent reservations correct.
 */
const PARTITIONS_CONCURRENTLY = 3;

/** What it logs once messaging runs, and what readiness reports until then. */
const MESSAGES: ServiceMessagingMessages = {
  running: 'messaging running: consumer joined, outbox relay started',
  runningFields: { topics: [TOPICS.inventoryCommands], groupId: SERVICE_NAME },
  notRunning: (lastError) => `messaging is not running: ${lastError ?? 'not started yet'}`,
  stopped: 'messaging stopped: consumer, relay, producer',
};

/**
 * This service's Kafka side: one producer, shared by the outbox relay (replies) and the
 * consumer (dead letters), the relay, and the inbox consumer of inventory.commands.v1.
 *
 * It starts from the readiness probe, after the database answers and the catalog is in place:
 * an instance that cannot do the work never joins the consumer group (where it would only hold
 * partitions and fail every message), and a broker that is down at boot delays readiness
 * instead of crashing the process. Each try builds a new producer, relay and consumer. It stops
 * on shutdown in dependency order: the consumer first (its in-flight message finishes and
 * commits, it leaves the group), then the relay (its in-flight batch finishes), then the
 * producer both used. Nest destroys this module before the global DatabaseModule, so the
 * database is still there for all of it.
 */
@Injectable()
export class Messaging implements OnModuleDestroy {
  private readonly messaging: ServiceMessaging<Tx>;

  constructor(
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    prisma: PrismaService,
    reservations: ReservationsConsumer,
    logger: PinoLogger,
    registry: MetricsRegistry,
  ) {
    logger.setContext(Messaging.name);
    this.messaging = new ServiceMessaging<Tx>({
      service: SERVICE_NAME,
      brokers: config.KAFKA_BROKERS,
      databaseUrl: config.DATABASE_URL,
      consumers: [
        {
          groupId: SERVICE_NAME,
          topics: [TOPICS.inventoryCommands],
          db: prisma,
          kafkaConsumer: { partitionsConsumedConcurrently: PARTITIONS_CONCURRENTLY },
          register: (consumer) => reservations.register(consumer),
        },
      ],
      logger,
      registry,
      freshPartsPerAttempt: true,
      // A start still under way (a broker that does not answer keeps kafkajs retrying for a
      // while) is not waited for: it stops what it started itself when it sees the stop.
      stopWaitsForStart: false,
      messages: MESSAGES,
    });
  }

  /** Resolves once producer, relay and consumer run; a failed start is retried by the next call. */
  ensureRunning(): Promise<void> {
    return this.messaging.ensureRunning();
  }

  async onModuleDestroy(): Promise<void> {
    await this.messaging.stop();
  }
}
