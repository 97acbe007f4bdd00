import { setTimeout as sleep } from 'node:timers/promises';
import type { EventDefinition } from '@ecommerce/contracts';
import {
  type ConsumedMessage,
  type ConsumerOptions,
  type KafkaConsumer,
  type KafkaLogger,
  type KafkaProducer,
  createConsumer,
} from '@ecommerce/kafka';
import type { Kafka } from 'kafkajs';
import pino from 'pino';
import { type RetryPolicy, backoffDelay, retryPolicy } from './backoff';
import type { SqlExecutor, TransactionRunner } from './database';
import { deadLetter } from './dead-letter';
import { DeadLetterStore, REPLAY_HEADER, recordDeadLetter } from './dead-letter-store';
import { type ReceivedEnvelope, isPoisonMessageError, readEnvelope } from './envelope';
import {
  type EventHandler,
  HandlerRegistry,
  type InboundEvent,
  type Route,
} from './handler-registry';
import { consumeTraced } from './trace-context';

/** 1 row inserted: first delivery, handle it. 0 rows: this consumer handled that id already. */
const INSERT_INBOX = `INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`;

/** What became of one message. Every outcome commits its offset. */
export type InboxOutcome = 'handled' | 'duplicate' | 'ignored' | 'unknown-type' | 'dead-lettered';

export interface InboxHandlerDeps<Tx extends SqlExecutor> {
  db: TransactionRunner<Tx>;
  /** Publishes dead letters. */
  producer: Pick<KafkaProducer, 'send'>;
  registry: HandlerRegistry<Tx>;
  /** The `consumer` column of the inbox: one name per consumer group. */
  inboxName: string;
  retry: RetryPolicy;
  logger: KafkaLogger;
  /**
   * Record each dead letter in the `dead_letter` table before it goes to `<topic>.dlt`, so it
   * can be listed, replayed and discarded (DeadLetterStore). The table must exist.
   */
  indexDeadLetters?: boolean;
}

/**
 * What the consumer does with each message (exported for unit tests; services use
 * {@link InboxConsumer}). Resolves once the message is done with, so its offset can be
 * committed; rejects only when nothing about the message is at fault (the database refused the
 * inbox row, the dead-letter topic refused the message): then nothing is committed and kafkajs
 * delivers it again.
 */
export function createInboxHandler<Tx extends SqlExecutor>(
  deps: InboxHandlerDeps<Tx>,
): (message: ConsumedMessage) => Promise<InboxOutcome> {
  const { db, producer, registry, inboxName, retry, logger } = deps;

  async function sendToDeadLetterTopic(message: ConsumedMessage, error: unknown) {
    const failedAt = new Date();
    // First the index, then the topic: a crash in between dead-letters the message again on
    // its next delivery, and the index keeps one row for it.
    if (deps.indexDeadLetters) await recordDeadLetter(db, message, error, inboxName, failedAt);
    const letter = deadLetter(message, error, inboxName, failedAt);
    await producer.send(letter.topic, [letter.message]);
    logger.error(
      { ...origin(message), deadLetterTopic: letter.topic, error: String(error) },
      'message dead-lettered',
    );
    return 'dead-lettered' as const;
  }

  return async (message) => {
    let envelope: ReceivedEnvelope;
    let route: Route<Tx> | undefined;
    let payload: unknown;
    try {
      envelope = readEnvelope(message.headers);
      // A type this consumer has nothing to do with: no effect, so nothing to deduplicate
      // either, and no transaction.
      if (registry.isIgnored(envelope.type)) return 'ignored';
      route = registry.route(envelope.type);
      // A newer producer may publish a type this build does not know yet: not poison, skip it.
      if (!route) {
        logger.warn(
          { ...origin(message), type: envelope.type },
          'no handler for this type: skipped',
        );
        return 'unknown-type';
      }
      payload = route.decode(message.value);
    } catch (error) {
      // No id, no type, no payload, or one that does not decode: retrying cannot help.
      if (!isPoisonMessageError(error)) throw error;
      return sendToDeadLetterTopic(message, error);
    }
    const handler = route;
    const event: InboundEvent<unknown> = {
      ...envelope,
      payload,
      key: message.key,
      headers: message.headers,
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
    };

    for (let attempt = 1; ; attempt += 1) {
      let handlerRan = false;
      try {
        const outcome = await db.$transaction(async (tx) => {
          const inserted = await tx.$executeRawUnsafe(INSERT_INBOX, inboxName, event.id);
          const replayed = deps.indexDeadLetters && REPLAY_HEADER.of in message.headers;
          if (inserted === 0) {
            if (replayed)
              await DeadLetterStore.recordReplayOutcome(
                tx,
                message.headers,
                inboxName,
                'DUPLICATE',
              );
            return 'duplicate' as const;
          }
          handlerRan = true;
          await handler.handle(tx, event);
          if (replayed)
            await DeadLetterStore.recordReplayOutcome(tx, message.headers, inboxName, 'HANDLED');
          return 'handled' as const;
        });
        logger.debug({ ...origin(message), id: event.id, type: event.type, outcome }, outcome);
        return outcome;
      } catch (error) {
        // Not even the inbox row could be written: the database is down or misconfigured, which
        // is not this message's fault. Do not dead-letter it; let kafkajs deliver it again.
        if (!handlerRan) throw error;
        if (isPoisonMessageError(error) || attempt >= retry.attempts) {
          return sendToDeadLetterTopic(message, error);
        }
        const delayMs = backoffDelay(retry, attempt);
        logger.warn(
          {
            ...origin(message),
            id: event.id,
            type: event.type,
            attempt,
            delayMs,
            error: String(error),
          },
          'handler failed: retrying',
        );
        await sleep(delayMs);
      }
    }
  };
}

function origin(message: ConsumedMessage) {
  return { topic: message.topic, partition: message.partition, offset: message.offset };
}

export interface InboxConsumerOptions<Tx extends SqlExecutor> {
  kafka: Pick<Kafka, 'consumer'>;
  /** Publishes dead letters. Connected and disconnected by the caller (the relay's producer will do). */
  producer: Pick<KafkaProducer, 'send'>;
  /** Where the inbox lives and handlers run: the service's PrismaService. */
  db: TransactionRunner<Tx>;
  groupId: string;
  topics: readonly string[];
  /** The name handled messages are recorded under in the inbox (default: groupId). */
  inboxName?: string;
  /** Default 5 attempts, 100 ms doubling to a 5 s cap. */
  retry?: Partial<RetryPolicy>;
  /** Default: a pino logger named after the group. */
  logger?: KafkaLogger;
  /** Passed to `createConsumer` from @ecommerce/kafka. */
  kafkaConsumer?: Omit<ConsumerOptions, 'groupId' | 'topics' | 'handler'>;
  /** Record dead letters in the `dead_letter` table (default true): see {@link InboxHandlerDeps.indexDeadLetters}. */
  indexDeadLetters?: boolean;
  /** Told what became of each message once it is done with (its offset about to be committed): for metrics. */
  onOutcome?: (outcome: InboxOutcome, message: ConsumedMessage) => void;
}

/**
 * An idempotent consumer: each message's effect commits in the same transaction as its inbox
 * row, so a redelivered message has no second effect. Handlers are registered by event type;
 * a failing handler is retried with backoff, then its message goes to `<topic>.dlt` and the
 * partition moves on.
 *
 * @example
 * const consumer = new InboxConsumer({ kafka, producer, db: prisma, groupId: 'payment-service',
 *   topics: [TOPICS.paymentCommands] })
 *   .on(EVENTS.CapturePayment, async (tx, event) => { ... });
 * await consumer.start();
 */
export class InboxConsumer<Tx extends SqlExecutor> {
  private readonly registry = new HandlerRegistry<Tx>();
  private readonly consumer: KafkaConsumer;

  constructor(options: InboxConsumerOptions<Tx>) {
    const handle = createInboxHandler({
      db: options.db,
      producer: options.producer,
      registry: this.registry,
      inboxName: options.inboxName ?? options.groupId,
      retry: retryPolicy(options.retry),
      logger: options.logger ?? pino({ name: options.groupId }),
      indexDeadLetters: options.indexDeadLetters ?? true,
    });
    this.consumer = createConsumer(options.kafka, {
      ...options.kafkaConsumer,
      groupId: options.groupId,
      topics: options.topics,
      handler: async (message) => {
        const outcome = await consumeTraced(message, options.groupId, () => handle(message));
        options.onOutcome?.(outcome, message);
      },
    });
  }

  /** Registers the handler of one event type. Register every handler before `start()`. */
  on<T>(event: EventDefinition<T>, handler: EventHandler<Tx, T>): this {
    this.registry.on(event, handler);
    return this;
  }

  /**
   * Declares a type on these topics that this consumer has nothing to do with: its messages
   * are passed over (outcome `ignored`) without a transaction or an inbox row, and without
   * the warning an unknown type gets.
   */
  ignore(event: EventDefinition<unknown>): this {
    this.registry.ignore(event);
    return this;
  }

  /** Joins the consumer group and starts handling messages. */
  async start(): Promise<void> {
    if (this.registry.types.length === 0) {
      throw new Error('InboxConsumer: no handlers registered (call .on() before start())');
    }
    await this.consumer.start();
  }

  /** Finishes the in-flight message (its retries included), commits it, leaves the group. */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
