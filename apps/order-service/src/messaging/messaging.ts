import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { type EventDefinition, TOPICS } from '@ecommerce/contracts';
import { type KafkaProducer, createKafka, createProducer } from '@ecommerce/kafka';
import {
  type EventHandler,
  InboxConsumer,
  type MessagingMetrics,
  Outbox,
  OutboxRelay,
  messagingMetrics,
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

interface Parts {
  producer: KafkaProducer;
  relay: OutboxRelay;
  consumer: InboxConsumer<Tx>;
}

/**
 * order-service's Kafka side (@ecommerce/messaging): the outbox its use cases write to, the
 * relay that publishes it, and the inbox consumer of the replies on `inventory.events.v1` and
 * `payment.events.v1`, whose handlers the saga registers with {@link on}.
 *
 * Starts once every module is initialised (all handlers are registered by then), in the
 * background: when the database or the broker cannot be reached yet, it keeps trying, and
 * readiness (NOT_SERVING until it runs) says why. Stops after the deadline sweeper (onModuleDestroy) and before the database closes
 * (onApplicationShutdown): consumer (finishes its message), relay (finishes its batch), producer.
 */
@Injectable()
export class Messaging implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** `ce_source` = the service name. Stateless: writes through the caller's transaction. */
  readonly outbox = new Outbox({ source: SERVICE_NAME });
  private readonly kafka: Kafka;
  private readonly handlers: Array<(consumer: InboxConsumer<Tx>) => void> = [];
  private parts?: Parts;
  private running = false;
  private starting?: Promise<void>;
  private readonly stopping = new AbortController();
  private lastError = 'not started yet';
  private readonly metrics: MessagingMetrics;
  /** The last relay created, started or not: the backlog matters most while it cannot publish. */
  private latestRelay?: OutboxRelay;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly prisma: PrismaService,
    private readonly logger: PinoLogger,
    registry: MetricsRegistry,
  ) {
    logger.setContext('messaging');
    this.kafka = createKafka({
      clientId: SERVICE_NAME,
      brokers: config.KAFKA_BROKERS,
      logger: this.logger,
    });
    this.metrics = messagingMetrics(registry, {
      relay: () => this.latestRelay,
      kafka: this.kafka,
      consumers: [{ groupId: SERVICE_NAME, topics: REPLY_TOPICS }],
      logger: this.logger,
    });
  }

  /** Registers the handler of one event type; call it before the application starts. */
  on<T>(event: EventDefinition<T>, handler: EventHandler<Tx, T>): this {
    this.handlers.push((consumer) => consumer.on(event, handler));
    return this;
  }

  /** For the readiness probe: throws unless the relay runs and the consumer has joined its group. */
  assertRunning(): void {
    if (!this.running) throw new Error(`Kafka messaging is not running: ${this.lastError}`);
  }

  async onApplicationBootstrap(): Promise<void> {
    const { signal } = this.stopping;
    this.starting = (async () => {
      while (!signal.aborted && !(await this.tryStart())) {
        await sleep(RETRY_START_MS, undefined, { signal }).catch(() => undefined);
      }
    })();
    // A consumer normally joins its group well within this, so a healthy service is ready at
    // its first probe. No longer: after a crash the group waits for the dead member's session
    // to expire (up to 30 s), and meanwhile the gRPC server should already serve.
    await Promise.race([
      this.starting,
      sleep(BOOT_WAIT_MS, undefined, { signal }).catch(() => undefined),
    ]);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.stop(this.parts);
    await this.starting;
  }

  /** One attempt; a new producer, relay and consumer each time, so no half-started client is reused. */
  private async tryStart(): Promise<boolean> {
    const producer = createProducer(this.kafka);
    const consumer = new InboxConsumer<Tx>({
      kafka: this.kafka,
      producer,
      // Handlers may act once their transaction commits (the saga counts its outcomes so).
      db: withAfterCommit<Tx>(this.prisma),
      groupId: SERVICE_NAME,
      topics: REPLY_TOPICS,
      logger: this.logger,
      onOutcome: this.metrics.onOutcome,
    });
    for (const register of this.handlers) register(consumer);
    const relay = new OutboxRelay({
      database: { connectionString: this.config.DATABASE_URL },
      producer,
      logger: this.logger,
    });
    this.latestRelay = relay;
    const parts: Parts = { producer, relay, consumer };
    this.parts = parts;
    try {
      await producer.connect();
      await relay.start();
      await consumer.start();
      // Shut down while starting: stop what has just started, too.
      if (this.stopping.signal.aborted) {
        await this.stop(parts);
        return true;
      }
      this.running = true;
      this.logger.info({}, 'messaging started: outbox relay and consumer running');
      return true;
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      this.logger.warn(
        { error: this.lastError },
        `messaging could not start, retrying in ${RETRY_START_MS} ms`,
      );
      await this.stop(parts);
      return false;
    }
  }

  /** Stops the parts in order: the consumer (finishes its message), the relay (its batch), the producer. */
  private async stop(parts: Parts | undefined): Promise<void> {
    if (parts === this.parts) {
      this.parts = undefined;
      this.running = false;
    }
    if (!parts) return;
    const quietly = (what: string, stop: () => Promise<void>) =>
      stop().catch((error: unknown) =>
        this.logger.warn({ error: String(error) }, `stopping the ${what} failed`),
      );
    await quietly('consumer', () => parts.consumer.stop());
    await quietly('outbox relay', () => parts.relay.stop());
    await quietly('producer', () => parts.producer.disconnect());
  }
}
