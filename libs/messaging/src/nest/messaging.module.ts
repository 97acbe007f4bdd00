import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type Type,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BackendServiceConfig, SERVICE_CONFIG } from '@ecommerce/config';
import { DATABASE } from '@ecommerce/database';
import { createLogger, MetricsRegistry, type ReadinessCheck } from '@ecommerce/observability';
import { withAfterCommit } from '../after-commit';
import type { SqlExecutor, TransactionRunner } from '../database';
import { DeadLetterStore, type SqlQuerier } from '../dead-letter-store';
import type { InboxConsumerOptions } from '../inbox-consumer';
import { Outbox } from '../outbox';
import { type ConsumerHandlers, ServiceMessaging } from '../service-messaging';
import { DeadLettersGrpcController } from './dead-letters.grpc-controller';

/**
 * A capability's Kafka entry point (`orders/orders.consumer.ts`...): it registers the handlers
 * of its consumer group, each run in the inbox transaction.
 */
export interface EventConsumer<Tx extends SqlExecutor = SqlExecutor> {
  register(handlers: ConsumerHandlers<Tx>): void;
}

/** One inbox consumer of the service: its group, its topics and who registers its handlers. */
export interface ConsumerDefinition {
  /** The group id is `<service>-<group>`; without it, the service's name. */
  group?: string;
  topics: readonly string[];
  /**
   * The provider (declared in the capability's module) that registers the handlers: an
   * {@link EventConsumer} of the service's own `Tx`, which this module does not know.
   */
  consumer: Type<{ register(handlers: never): void }>;
  /** kafkajs consumer settings, e.g. `{ partitionsConsumedConcurrently: 3 }`. */
  kafkaConsumer?: InboxConsumerOptions<SqlExecutor>['kafkaConsumer'];
}

export interface MessagingModuleOptions {
  /** The service's name: the Kafka client id, the consumer groups' prefix and `ce_source`. */
  service: string;
  /**
   * The service publishes events: its repositories write them to the outbox (inject `Outbox`)
   * in the transaction of the change, and the outbox relay publishes them.
   */
  publishes: boolean;
  /**
   * The inbox consumers it runs; none for a service that only publishes. With consumers, the
   * service also keeps its dead letters (`dead_letter`), serves DeadLetterService over gRPC and
   * runs the outbox relay (replays go through the outbox), so its schema needs both tables.
   */
  consumers?: readonly ConsumerDefinition[];
  /** What must be ready before the consumers join their groups (e.g. reference data seeded). */
  startAfter?: readonly Type<ReadinessCheck>[];
}

const OPTIONS = Symbol('MESSAGING_MODULE_OPTIONS');

/** How long the application's start waits for messaging to run before it serves anyway. */
const BOOT_WAIT_MS = 5_000;

/**
 * A service's Kafka side ({@link ServiceMessaging}) in Nest, the same lifecycle in every service:
 *
 * - Start, once every module is initialised: the consumers' handlers are registered, then
 *   messaging starts in the background and keeps trying every 2 s while the broker or the
 *   database cannot be reached. The application's start waits for it up to 5 s, so a healthy
 *   service is ready at its first probe; after a crash the group may wait for the dead
 *   member's session to expire (up to 30 s), and meanwhile the gRPC server already serves.
 * - Readiness ({@link checkReady}): NOT_SERVING, with the last failure, until everything runs.
 * - Stop, before the database closes (`beforeApplicationShutdown`): consumers (each finishes its
 *   message and commits), relay (finishes its batch), producer. Nothing is lost: what is
 *   written meanwhile waits in the outbox.
 */
@Injectable()
export class Messaging
  implements OnApplicationBootstrap, BeforeApplicationShutdown, ReadinessCheck
{
  private readonly messaging: ServiceMessaging<SqlExecutor>;
  private readonly groups: Array<{ groupId: string; consumer: ConsumerDefinition['consumer'] }>;
  /** Ends the boot's wait for messaging: once it runs, or once shutdown begins. */
  private readonly bootWait = new AbortController();

  constructor(
    @Inject(OPTIONS) private readonly options: MessagingModuleOptions,
    @Inject(SERVICE_CONFIG) config: BackendServiceConfig,
    @Inject(DATABASE) database: TransactionRunner<SqlExecutor>,
    registry: MetricsRegistry,
    private readonly moduleRef: ModuleRef,
  ) {
    const consumes = (options.consumers ?? []).length > 0;
    const { service } = options;
    // Handlers may act once their transaction commits (`afterCommit`): count, wake a sender.
    const db = withAfterCommit(database);
    const consumers = (options.consumers ?? []).map((definition) => ({
      ...definition,
      groupId: definition.group ? `${service}-${definition.group}` : service,
    }));
    this.groups = consumers.map(({ groupId, consumer }) => ({ groupId, consumer }));
    this.messaging = new ServiceMessaging({
      service,
      brokers: config.KAFKA_BROKERS,
      // A service that consumes replays its dead letters through the outbox, so it runs the relay.
      ...(options.publishes || consumes ? { databaseUrl: config.DATABASE_URL } : {}),
      ...(consumes
        ? {
            deadLetters: new DeadLetterStore(
              database as TransactionRunner<SqlExecutor & SqlQuerier> & SqlQuerier & SqlExecutor,
            ),
          }
        : {}),
      consumers: consumers.map(({ groupId, topics, kafkaConsumer }) => ({
        groupId,
        topics,
        db,
        ...(kafkaConsumer ? { kafkaConsumer } : {}),
      })),
      logger: createLogger(service, config.LOG_LEVEL).child({ component: 'messaging' }),
      registry,
      beforeStart: () => this.preconditions(),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const { groupId, consumer } of this.groups) {
      const handlers = this.messaging.consumer(groupId) as never;
      this.moduleRef.get(consumer, { strict: false }).register(handlers);
    }
    const { signal } = this.bootWait;
    await Promise.race([
      this.messaging.start(),
      sleep(BOOT_WAIT_MS, undefined, { signal }).catch(() => undefined),
    ]);
    this.bootWait.abort();
  }

  /** Throws until the producer, the relay and every consumer run. */
  checkReady(): void {
    this.messaging.assertRunning();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.bootWait.abort();
    await this.messaging.stop();
  }

  private async preconditions(): Promise<void> {
    for (const check of this.options.startAfter ?? []) {
      await this.moduleRef.get(check, { strict: false }).checkReady();
    }
  }
}

/**
 * Kafka for a service: `MessagingModule.forService({ publishes: true, consumers: [...] })` in
 * its AppModule. Global: any repository can inject `Outbox`, and `main.ts` lists `Messaging`
 * among the readiness checks.
 */
@Module({})
export class MessagingModule {
  static forService(options: MessagingModuleOptions): DynamicModule {
    // `ce_source` of everything the service publishes is its name.
    const outbox = { provide: Outbox, useValue: new Outbox({ source: options.service }) };
    // What a service's consumers dead-letter is operable over gRPC (DeadLetterService): serve
    // it with `grpc: { shared: ['deadLetters'] }` in bootstrapGrpcService.
    const consumes = (options.consumers ?? []).length > 0;
    const deadLetters = {
      provide: DeadLetterStore,
      inject: [DATABASE],
      useFactory: (
        database: SqlExecutor & SqlQuerier & TransactionRunner<SqlExecutor & SqlQuerier>,
      ) => new DeadLetterStore(database),
    };
    return {
      module: MessagingModule,
      global: true,
      controllers: consumes ? [DeadLettersGrpcController] : [],
      providers: [
        { provide: OPTIONS, useValue: options },
        Messaging,
        ...(options.publishes ? [outbox] : []),
        ...(consumes ? [deadLetters] : []),
      ],
      exports: [
        Messaging,
        ...(options.publishes ? [Outbox] : []),
        ...(consumes ? [DeadLetterStore] : []),
      ],
    };
  }
}
