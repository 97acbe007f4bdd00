import type { ConsumedMessage, KafkaLogger } from '@ecommerce/kafka';
import { counter, gauge } from '@ecommerce/observability';
import type { Kafka } from 'kafkajs';
import pino from 'pino';
import type { Registry } from 'prom-client';
import { type ConsumerGroupTopics, type PartitionLag, readConsumerLag } from './consumer-lag';
import type { DeadLetterStore } from './dead-letter-store';
import type { InboxOutcome } from './inbox-consumer';
import type { OutboxRelay } from './outbox-relay';

/** How long a scrape waits for the database (backlog) or the broker (lag). */
export const METRICS_READ_TIMEOUT_MS = 2_000;

export interface MessagingMetricsSources {
  /** The relay whose unpublished rows are `outbox_backlog_messages`; a getter when it is replaced on restart. */
  relay?: Pick<OutboxRelay, 'backlog'> | (() => Pick<OutboxRelay, 'backlog'> | undefined);
  /** The service's kafkajs client: lag is read with an admin client of it, at scrape time. */
  kafka?: Pick<Kafka, 'admin'>;
  /** The consumer groups whose lag is `kafka_consumer_lag`. */
  consumers?: readonly ConsumerGroupTopics[];
  /** The service's dead letters: `dead_letters_waiting{topic}`, counted at scrape time. */
  deadLetters?: Pick<DeadLetterStore, 'waitingByTopic'>;
  logger?: KafkaLogger;
  /** Default {@link METRICS_READ_TIMEOUT_MS}. */
  timeoutMs?: number;
}

export interface MessagingMetrics {
  /** Give it to each `InboxConsumer` (`onOutcome`): counts what became of every message. */
  readonly onOutcome: (outcome: InboxOutcome, message: ConsumedMessage) => void;
}

/**
 * A service's messaging metrics on its registry, in one call:
 * - `outbox_backlog_messages`: the relay's unpublished rows, counted at scrape time;
 * - `kafka_consumer_lag{group,topic,partition}`: high watermark minus committed offset, read
 *   from the broker at scrape time;
 * - `messages_consumed_total{topic,outcome}` and `messages_dead_lettered_total{topic}`, from
 *   the inbox consumers' `onOutcome`;
 * - `dead_letters_waiting{topic}`: dead letters neither replayed nor discarded, counted in the
 *   service's `dead_letter` table at scrape time (0 for each consumed topic with none).
 *
 * A scrape never hangs on a slow database or broker: each read gives up after `timeoutMs`,
 * the gauge keeps its last values, and the failure is logged once until a read succeeds.
 *
 * @example
 * const metrics = messagingMetrics(registry, { relay, kafka, consumers: [{ groupId, topics }] });
 * new InboxConsumer({ ..., groupId, topics, onOutcome: metrics.onOutcome });
 */
export function messagingMetrics(registry: Registry, sources: MessagingMetricsSources): MessagingMetrics {
  const logger = sources.logger ?? pino({ name: 'messaging-metrics' });
  const timeoutMs = sources.timeoutMs ?? METRICS_READ_TIMEOUT_MS;
  const { relay, kafka, consumers = [], deadLetters } = sources;

  if (relay) {
    const currentRelay = typeof relay === 'function' ? relay : () => relay;
    const backlog = timeBoxed('outbox backlog', timeoutMs, logger, () => currentRelay()?.backlog());
    gauge(registry, {
      name: 'outbox_backlog_messages',
      help: 'Outbox rows written but not yet published to Kafka',
      async collect() {
        const rows = await backlog();
        if (rows !== undefined) this.set(rows);
      },
    });
  }

  if (kafka && consumers.length > 0) {
    const lag = timeBoxed('consumer lag', timeoutMs, logger, () => readLag(kafka, consumers));
    gauge(registry, {
      name: 'kafka_consumer_lag',
      help: "Messages on a partition its consumer group has not committed yet (high watermark − the group's offset)",
      labelNames: ['group', 'topic', 'partition'],
      async collect() {
        const lags = await lag();
        if (!lags) return;
        // Only on success: a failed read keeps the last values rather than reporting none.
        this.reset();
        for (const { group, topic, partition, lag: value } of lags) {
          this.set({ group, topic, partition: String(partition) }, value);
        }
      },
    });
  }

  if (deadLetters) {
    const waiting = timeBoxed('dead letters waiting', timeoutMs, logger, () => deadLetters.waitingByTopic());
    const consumedTopics = [...new Set(consumers.flatMap(({ topics }) => topics))];
    gauge(registry, {
      name: 'dead_letters_waiting',
      help: 'Dead letters neither replayed nor discarded yet, by the topic they came from',
      labelNames: ['topic'],
      async collect() {
        const counts = await waiting();
        if (!counts) return;
        this.reset();
        for (const topic of consumedTopics) this.set({ topic }, 0);
        for (const [topic, count] of counts) this.set({ topic }, count);
      },
    });
  }

  const consumed = counter(registry, {
    name: 'messages_consumed_total',
    help: 'Messages the inbox consumers are done with, by topic and outcome (handled, duplicate, ignored, unknown-type, dead-lettered)',
    labelNames: ['topic', 'outcome'],
  });
  const deadLettered = counter(registry, {
    name: 'messages_dead_lettered_total',
    help: 'Messages sent to a dead-letter topic, by the topic they came from',
    labelNames: ['topic'],
  });
  return {
    onOutcome: (outcome, message) => {
      consumed.inc({ topic: message.topic, outcome });
      if (outcome === 'dead-lettered') deadLettered.inc({ topic: message.topic });
    },
  };
}

/** A fresh admin connection per read: nothing to keep alive or to close at shutdown. */
async function readLag(kafka: Pick<Kafka, 'admin'>, consumers: readonly ConsumerGroupTopics[]): Promise<PartitionLag[]> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await readConsumerLag(admin, consumers);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * `read`, given at most `timeoutMs`: undefined when it fails or is too slow (logged at warn,
 * once per run of failures). A read still running is joined, never started twice.
 */
export function timeBoxed<T>(
  what: string,
  timeoutMs: number,
  logger: KafkaLogger,
  read: () => Promise<T> | undefined,
): () => Promise<T | undefined> {
  let inFlight: Promise<T | undefined> | undefined;
  let failing = false;
  return async () => {
    inFlight ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      try {
        const value = await Promise.race([
          read(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        failing = false;
        return value;
      } catch (error) {
        if (!failing) logger.warn({ error: String(error) }, `metrics: could not read the ${what}; keeping the last value`);
        failing = true;
        return undefined;
      } finally {
        clearTimeout(timer);
      }
    })().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
