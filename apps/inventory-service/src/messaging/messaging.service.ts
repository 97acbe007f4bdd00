import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { TOPICS } from '@ecommerce/contracts';
import {
  createKafka,
  createProducer,
  type KafkaLogger,
  type KafkaProducer,
} from '@ecommerce/kafka';
import { InboxConsumer, type MessagingMetrics, OutboxRelay, messagingMetrics } from '@ecommerce/messaging';
import { MetricsRegistry } from '@ecommerce/observability';
import { SERVICE_CONFIG, SERVICE_NAME, type ServiceConfig } from '../config';
import { PrismaService, type Tx } from '../database/prisma.service';
import { ReservationsConsumer } from '../reservations/reservations.consumer';

/**
 * Partitions of inventory.commands.v1 handled at the same time by one instance. Within a
 * partition messages stay one at a time and in order; across partitions (different orders) the
 * stock row locks are what keeps concurrent reservations correct.
 */
const PARTITIONS_CONCURRENTLY = 3;

interface Running {
  producer: KafkaProducer;
  relay: OutboxRelay;
  consumer: InboxConsumer<Tx>;
}

/**
 * This service's Kafka side: one producer, shared by the outbox relay (replies) and the
 * consumer (dead letters), the relay, and the inbox consumer of inventory.commands.v1.
 *
 * It starts from the readiness probe, after the database answers and the catalog is in place:
 * an instance that cannot do the work never joins the consumer group (where it would only hold
 * partitions and fail every message), and a broker that is down at boot delays readiness
 * instead of crashing the process. It stops on shutdown in dependency order: the consumer first
 * (its in-flight message finishes and commits, it leaves the group), then the relay (its
 * in-flight batch finishes), then the producer both used. Nest destroys this module before the
 * global DatabaseModule, so the database is still there for all of it.
 */
@Injectable()
export class Messaging implements OnModuleDestroy {
  private starting: Promise<Running> | undefined;
  private running: Running | undefined;
  private stopping = false;
  private readonly metrics: MessagingMetrics;
  /** The last relay created, started or not: the backlog matters most while it cannot publish. */
  private latestRelay?: OutboxRelay;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly prisma: PrismaService,
    private readonly reservations: ReservationsConsumer,
    private readonly logger: PinoLogger,
    registry: MetricsRegistry,
  ) {
    logger.setContext(Messaging.name);
    this.metrics = messagingMetrics(registry, {
      relay: () => this.latestRelay,
      kafka: createKafka({ clientId: SERVICE_NAME, brokers: config.KAFKA_BROKERS, logger }),
      consumers: [{ groupId: SERVICE_NAME, topics: [TOPICS.inventoryCommands] }],
      logger,
    });
  }

  /** Resolves once producer, relay and consumer run; a failed start is retried by the next call. */
  ensureRunning(): Promise<void> {
    if (this.stopping) return Promise.reject(new Error('messaging is stopping'));
    this.starting ??= this.start().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting.then(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    // A start still under way (a broker that does not answer keeps kafkajs retrying for a while)
    // is not waited for: it stops what it started itself when it sees `stopping`.
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    await running.consumer.stop();
    await running.relay.stop();
    await running.producer.disconnect();
    this.logger.info('messaging stopped: consumer, relay, producer');
  }

  private async start(): Promise<Running> {
    const logger: KafkaLogger = this.logger;
    const kafka = createKafka({
      clientId: SERVICE_NAME,
      brokers: this.config.KAFKA_BROKERS,
      logger,
    });
    const producer = createProducer(kafka);
    const relay = new OutboxRelay({
      database: { connectionString: this.config.DATABASE_URL },
      producer,
      logger,
    });
    this.latestRelay = relay;
    const consumer = this.reservations.register(
      new InboxConsumer<Tx>({
        kafka,
        producer,
        db: this.prisma,
        groupId: SERVICE_NAME,
        topics: [TOPICS.inventoryCommands],
        logger,
        kafkaConsumer: { partitionsConsumedConcurrently: PARTITIONS_CONCURRENTLY },
        onOutcome: this.metrics.onOutcome,
      }),
    );
    const started: Array<() => Promise<void>> = [];
    try {
      await producer.connect();
      started.unshift(() => producer.disconnect());
      await relay.start();
      started.unshift(() => relay.stop());
      await consumer.start();
      started.unshift(() => consumer.stop());
      if (this.stopping) throw new Error('shutdown began while messaging was starting');
    } catch (error) {
      for (const stop of started) await stop().catch(() => undefined);
      throw error;
    }
    this.running = { producer, relay, consumer };
    this.logger.info(
      { topics: [TOPICS.inventoryCommands], groupId: SERVICE_NAME },
      'messaging running: consumer joined, outbox relay started',
    );
    return this.running;
  }
}
