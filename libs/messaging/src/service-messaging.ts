import type { EventDefinition } from '@ecommerce/contracts';
import {
  createKafka,
  createProducer,
  type KafkaLogger,
  type KafkaProducer,
} from '@ecommerce/kafka';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { SqlExecutor, TransactionRunner } from './database';
import type { DeadLetterStore } from './dead-letter-store';
import type { EventHandler } from './handler-registry';
import { InboxConsumer, type InboxConsumerOptions } from './inbox-consumer';
import { messagingMetrics, type MessagingMetrics } from './messaging-metrics';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';

/** Wait between two tries to start when Kafka or the database is not there yet. */
export const DEFAULT_START_RETRY_MS = 2_000;

/** One inbox consumer a service runs: its own consumer group (and inbox name). */
export interface ServiceConsumerOptions<Tx extends SqlExecutor> {
  groupId: string;
  topics: readonly string[];
  /** The service's database: the inbox row and the handler's writes share its transaction. */
  db: TransactionRunner<Tx>;
  /** kafkajs consumer settings, e.g. `{ partitionsConsumedConcurrently: 3 }`. */
  kafkaConsumer?: InboxConsumerOptions<Tx>['kafkaConsumer'];
}

/** The clients a start is made of; tests swap them for fakes. */
export interface ServiceMessagingParts<Tx extends SqlExecutor> {
  producer(kafka: Kafka): Pick<KafkaProducer, 'connect' | 'disconnect'>;
  relay(options: OutboxRelayOptions): Pick<OutboxRelay, 'start' | 'stop' | 'backlog'>;
  consumer(
    options: InboxConsumerOptions<Tx>,
  ): Pick<InboxConsumer<Tx>, 'on' | 'ignore' | 'start' | 'stop'>;
}

export interface ServiceMessagingOptions<Tx extends SqlExecutor> {
  /** The Kafka client id, e.g. `payment-service`. */
  service: string;
  /** KAFKA_BROKERS: `'a:1,b:2'` or a list. */
  brokers: string | readonly string[];
  /** The service's database URL: with it, an outbox relay publishes the outbox. Without: no relay. */
  databaseUrl?: string;
  /** The inbox consumers to run, each with its own group; none for a service that only publishes. */
  consumers?: readonly ServiceConsumerOptions<Tx>[];
  logger: KafkaLogger;
  /** The service's dead letters: their waiting count per topic is the `dead_letters_waiting` gauge. */
  deadLetters?: Pick<DeadLetterStore, 'waitingByTopic'>;
  /** Where `messagingMetrics` registers the outbox backlog, consumer lag and outcome counters. */
  registry: Registry;
  /** Between two background tries to start ({@link ServiceMessaging.start}); default 2 s. */
  retryDelayMs?: number;
  /**
   * Runs before each try to start; when it throws, the try fails and is retried. For what must
   * hold before the consumers join their groups, e.g. reference data the handlers need.
   */
  beforeStart?: () => Promise<void>;
  /** For tests: what the producer, relay and consumers are built with. */
  parts?: Partial<ServiceMessagingParts<Tx>>;
}

/**
 * Registers a consumer's handlers before messaging starts: `.on(EVENTS.X, handler).on(...)`,
 * and `.ignore(EVENTS.Y)` for a type on its topics it has nothing to do with.
 */
export class ConsumerHandlers<Tx extends SqlExecutor> {
  private readonly registrations: Array<
    (consumer: Pick<InboxConsumer<Tx>, 'on' | 'ignore'>) => void
  > = [];

  constructor(private readonly assertOpen: () => void) {}

  on<T>(event: EventDefinition<T>, handler: EventHandler<Tx, T>): this {
    this.assertOpen();
    this.registrations.push((consumer) => consumer.on(event, handler));
    return this;
  }

  ignore(event: EventDefinition<unknown>): this {
    this.assertOpen();
    this.registrations.push((consumer) => consumer.ignore(event));
    return this;
  }

  /** @internal Applies every registration to a newly built consumer. */
  applyTo(consumer: Pick<InboxConsumer<Tx>, 'on' | 'ignore'>): void {
    for (const register of this.registrations) register(consumer);
  }
}

interface Parts<Tx extends SqlExecutor> {
  producer: Pick<KafkaProducer, 'connect' | 'disconnect'>;
  relay?: Pick<OutboxRelay, 'start' | 'stop' | 'backlog'>;
  consumers: Array<Pick<InboxConsumer<Tx>, 'on' | 'ignore' | 'start' | 'stop'>>;
}

/** What of a start has started, to be stopped in reverse. */
interface Started<Tx extends SqlExecutor> {
  producer?: Parts<Tx>['producer'];
  relay?: Parts<Tx>['relay'];
  consumers: Parts<Tx>['consumers'];
}

/** Thrown by a try to start that saw {@link ServiceMessaging.stop} begin. */
class StoppedWhileStarting extends Error {
  constructor() {
    super('shutdown began while messaging was starting');
  }
}

/**
 * A service's Kafka side, whatever the framework around it: one kafkajs client, one producer
 * shared by the outbox relay (publishing) and the inbox consumers (dead letters), the relay when
 * the service has an outbox, its inbox consumers, and their metrics (`messagingMetrics`).
 *
 * Starting: {@link start} keeps trying in the background until everything runs, every
 * `retryDelayMs`, so a broker or a database that is down at boot leaves the service up and
 * NOT_SERVING (the readiness probe calls {@link assertRunning}) instead of crashing it. A try
 * builds a new producer, relay and consumers (no half-started client is reused), then starts
 * the producer, the relay and the consumers one by one; when one fails, what it started is
 * stopped again.
 *
 * Stopping ({@link stop}), before the database closes, in dependency order: a try under way
 * is waited for (it stops what it started as soon as it sees the stop), then the consumers
 * (each finishes its in-flight message and commits, then leaves its group), then the relay (it
 * finishes its batch), then the producer both used. Messages written meanwhile wait in the
 * outbox: nothing is lost.
 */
export class ServiceMessaging<Tx extends SqlExecutor = SqlExecutor> {
  private readonly kafka: Kafka;
  private readonly logger: KafkaLogger;
  private readonly metrics: MessagingMetrics;
  private readonly retryDelayMs: number;
  private readonly build: ServiceMessagingParts<Tx>;
  private readonly handlers = new Map<string, ConsumerHandlers<Tx>>();
  /** The parts of the latest try (the relay's backlog is read from it). */
  private parts?: Parts<Tx>;
  private running?: Started<Tx>;
  private attempt?: Promise<void>;
  private loop?: Promise<void>;
  private stopping = false;
  private lastError?: string;
  private wakeUp?: () => void;

  constructor(private readonly options: ServiceMessagingOptions<Tx>) {
    const consumers = options.consumers ?? [];
    for (const { groupId } of consumers) {
      if (this.handlers.has(groupId))
        throw new Error(`ServiceMessaging: consumer group ${groupId} is given twice`);
      this.handlers.set(groupId, new ConsumerHandlers<Tx>(() => this.assertNotBuilt(groupId)));
    }
    this.logger = options.logger;
    this.retryDelayMs = options.retryDelayMs ?? DEFAULT_START_RETRY_MS;
    this.build = {
      producer: (kafka) => createProducer(kafka),
      relay: (relayOptions) => new OutboxRelay(relayOptions),
      consumer: (consumerOptions) => new InboxConsumer<Tx>(consumerOptions),
      ...options.parts,
    };
    this.kafka = createKafka({
      clientId: options.service,
      brokers: options.brokers,
      logger: this.logger,
    });
    this.metrics = messagingMetrics(options.registry, {
      // A getter: the backlog matters most while the relay cannot publish, started or not.
      ...(options.databaseUrl !== undefined ? { relay: () => this.parts?.relay } : {}),
      kafka: this.kafka,
      consumers: consumers.map(({ groupId, topics }) => ({ groupId, topics })),
      ...(options.deadLetters ? { deadLetters: options.deadLetters } : {}),
      logger: this.logger,
    });
  }

  /** Where the handlers of consumer group `groupId` are registered, before messaging starts. */
  consumer(groupId: string): ConsumerHandlers<Tx> {
    const handlers = this.handlers.get(groupId);
    if (!handlers) throw new Error(`ServiceMessaging: no consumer group ${groupId}`);
    return handlers;
  }

  /** True while the producer, the relay and every consumer run. */
  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** For the readiness probe: throws until everything runs, saying why not. */
  assertRunning(): void {
    if (this.running) return;
    throw new Error(`messaging is not running: ${this.lastError ?? 'not started yet'}`);
  }

  /**
   * Starts in the background, trying again every `retryDelayMs` until everything runs; each
   * failure is logged. Resolves once it runs, or once {@link stop} ends the tries; never rejects.
   * Calling it again returns the same promise.
   */
  start(): Promise<void> {
    this.loop ??= this.startUntilRunning();
    return this.loop;
  }

  /**
   * Ends the tries to start, then stops what runs: consumers (together), relay, producer. A
   * part that fails to stop is logged and the others are stopped all the same.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.loop;
    await this.attempt?.catch(() => undefined);
    const running = this.running;
    this.running = undefined;
    if (!running) return;
    await this.stopStarted(running);
    this.logger.info({}, 'messaging stopped: consumers, outbox relay, producer');
  }

  private async startUntilRunning(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.tryOnce();
        return;
      } catch (error) {
        if (this.stopping) return;
        this.logger.warn(
          { error: String(error) },
          `messaging could not start: retrying in ${this.retryDelayMs} ms`,
        );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.retryDelayMs);
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeUp = undefined;
      }
    }
  }

  private tryOnce(): Promise<void> {
    this.attempt ??= this.startParts().finally(() => {
      this.attempt = undefined;
    });
    return this.attempt;
  }

  private async startParts(): Promise<void> {
    const started: Started<Tx> = { consumers: [] };
    const unlessStopping = () => {
      if (this.stopping) throw new StoppedWhileStarting();
    };
    try {
      await this.options.beforeStart?.();
      unlessStopping();
      const parts = this.buildParts();
      await parts.producer.connect();
      started.producer = parts.producer;
      unlessStopping();
      if (parts.relay) {
        await parts.relay.start();
        started.relay = parts.relay;
      }
      for (const consumer of parts.consumers) {
        unlessStopping();
        started.consumers.push(consumer);
        await consumer.start();
      }
      unlessStopping();
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      await this.stopStarted(started);
      throw error;
    }
    this.running = started;
    this.logger.info(
      {
        outboxRelay: started.relay !== undefined,
        consumers: (this.options.consumers ?? []).map(({ groupId, topics }) => ({
          groupId,
          topics,
        })),
      },
      'messaging running',
    );
  }

  /** A new producer, relay and consumers, each consumer with its group's handlers. */
  private buildParts(): Parts<Tx> {
    const producer = this.build.producer(this.kafka);
    const { databaseUrl } = this.options;
    const relay =
      databaseUrl === undefined
        ? undefined
        : this.build.relay({
            database: { connectionString: databaseUrl },
            // The relay only ever gets the real producer: fakes come with a fake relay.
            producer: producer as KafkaProducer,
            logger: this.logger,
          });
    const consumers = (this.options.consumers ?? []).map((spec) => {
      const consumer = this.build.consumer({
        kafka: this.kafka,
        producer: producer as KafkaProducer,
        db: spec.db,
        groupId: spec.groupId,
        topics: spec.topics,
        logger: this.logger,
        ...(spec.kafkaConsumer ? { kafkaConsumer: spec.kafkaConsumer } : {}),
        onOutcome: this.metrics.onOutcome,
      });
      this.handlers.get(spec.groupId)?.applyTo(consumer);
      return consumer;
    });
    this.parts = { producer, ...(relay ? { relay } : {}), consumers };
    return this.parts;
  }

  /** Consumers first (together), then the relay, then the producer; each failure is logged, not thrown. */
  private async stopStarted(started: Started<Tx>): Promise<void> {
    const { producer, relay, consumers } = started;
    await Promise.all(consumers.map((consumer) => this.quietly('consumer', () => consumer.stop())));
    if (relay) await this.quietly('outbox relay', () => relay.stop());
    if (producer) await this.quietly('producer', () => producer.disconnect());
  }

  private async quietly(what: string, stop: () => Promise<void>): Promise<void> {
    try {
      await stop();
    } catch (error) {
      this.logger.warn({ error: String(error) }, `${what} did not stop cleanly`);
    }
  }

  private assertNotBuilt(groupId: string): void {
    if (this.parts) {
      throw new Error(
        `ServiceMessaging: a handler for ${groupId} was registered after messaging started`,
      );
    }
  }
}
