import {
  type Consumer,
  type EachBatchPayload,
  type Kafka,
  type KafkaMessage,
  type RetryOptions,
} from 'kafkajs';
import { fromKafkaHeaders } from './headers';

/** A message as a handler sees it: key and headers decoded, value left as bytes for the decoder. */
export interface ConsumedMessage {
  topic: string;
  partition: number;
  /** Kafka offset as a decimal string (offsets are 64-bit). */
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Readonly<Record<string, string>>;
  /** Producer or broker timestamp, milliseconds since the epoch as a string. */
  timestamp: string;
}

/**
 * Handles one message. Resolve → its offset is committed with its batch; reject → it is not
 * committed and kafkajs fetches it again (its `retry` backoff, then a consumer restart), so a
 * handler must be safe to run twice for the same message (the inbox pattern makes it so).
 */
export type MessageHandler = (message: ConsumedMessage) => Promise<void>;

export interface ConsumerOptions {
  groupId: string;
  topics: readonly string[];
  handler: MessageHandler;
  /** Where a group with no committed offset starts. Default true: nothing published before the group's first start is lost. */
  fromBeginning?: boolean;
  /** Partitions handled at the same time (default 1). */
  partitionsConsumedConcurrently?: number;
  /**
   * Messages of one fetched partition batch handled at the same time (default 8): never two
   * with the same key, and the messages of one key always one by one, in offset order.
   * 1 handles a partition strictly in offset order.
   */
  keyConcurrency?: number;
  /**
   * How long a fetch waits on the broker when there is nothing to read (default 1000 ms). A
   * fetch returns as soon as a message arrives, so this bounds only the idle polling (one
   * fetch per second per group) and how long `stop()` may wait for the fetch in flight.
   */
  maxWaitTimeInMs?: number;
  /**
   * The longest a handled message's offset waits to be committed (default 1000 ms). While
   * messages flow, the offsets of every partition go to the broker in one OffsetCommit per
   * interval instead of one per fetched batch; a failure and `stop()` commit at once. A crash
   * redelivers at most that much more (the inbox makes it harmless). 0 commits every batch.
   */
  commitIntervalMs?: number;
  sessionTimeout?: number;
  heartbeatInterval?: number;
  /** kafkajs retry/backoff for a failing handler before it restarts the consumer. */
  retry?: RetryOptions & { restartOnFailure?: (error: Error) => Promise<boolean> };
}

export const CONSUMER_DEFAULTS = {
  fromBeginning: true,
  partitionsConsumedConcurrently: 1,
  keyConcurrency: 8,
  maxWaitTimeInMs: 1000,
  commitIntervalMs: 1000,
} as const;

type TopicPartitionOffset = { topic: string; partition: number; offset: string };

/**
 * A consumer group member that commits by hand: `autoCommit` is off, and after a batch the
 * offset after the longest run of handled messages from its start (offset + 1, the next one to
 * read) is queued; the queue, every partition's latest, goes to the broker in one OffsetCommit
 * at most once per `commitIntervalMs` (the first at once), and at once on a failure or a stop.
 * Within a batch, messages of different keys run concurrently (`keyConcurrency`), the messages
 * of one key in order.
 * Delivery is at least once: a crash before the commit redelivers what was not committed, and
 * a failure redelivers the failed message and whatever followed it.
 */
export class KafkaConsumer {
  private readonly consumer: Consumer;
  private stopping = false;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly commitIntervalMs: number;
  /** Handled offsets not committed yet, by topic and partition. */
  private readonly uncommitted = new Map<string, TopicPartitionOffset>();
  private lastCommitAt = 0;
  private commitTimer?: NodeJS.Timeout;
  /** Commits run one after the other, so a partition's committed offset never goes back. */
  private commits: Promise<void> = Promise.resolve();

  constructor(
    kafka: Pick<Kafka, 'consumer'>,
    private readonly options: ConsumerOptions,
  ) {
    this.commitIntervalMs = options.commitIntervalMs ?? CONSUMER_DEFAULTS.commitIntervalMs;
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? CONSUMER_DEFAULTS.maxWaitTimeInMs,
      ...(options.sessionTimeout !== undefined ? { sessionTimeout: options.sessionTimeout } : {}),
      ...(options.heartbeatInterval !== undefined
        ? { heartbeatInterval: options.heartbeatInterval }
        : {}),
      ...(options.retry !== undefined ? { retry: options.retry } : {}),
    });
  }

  /** Connects, subscribes and joins the group; resolves once this member has its partitions. */
  async start(): Promise<void> {
    this.stopping = false;
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [...this.options.topics],
      fromBeginning: this.options.fromBeginning ?? CONSUMER_DEFAULTS.fromBeginning,
    });
    await this.consumer.run({
      autoCommit: false,
      // Offsets are resolved here, not by kafkajs: a batch cut short by stop() or a failure
      // must be fetched again from its first unhandled message.
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently:
        this.options.partitionsConsumedConcurrently ??
        CONSUMER_DEFAULTS.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  /**
   * Graceful stop: take no new message, let the in-flight ones finish and commit, then leave the
   * group (so its partitions move to another member at once, not after the session timeout).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    try {
      // No further fetches; kafkajs also ends the current batch after the in-flight message.
      this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
    } catch {
      // not running (never started, or crashed): nothing to pause
    }
    await this.idle();
    // kafkajs ignores commitOffsets once its own stop() has begun, which is why we commit first.
    await this.commitNow();
    await this.consumer.stop();
  }

  /** `stop()`, then close the connections. */
  async disconnect(): Promise<void> {
    await this.stop();
    await this.consumer.disconnect();
  }

  private async handleBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    // A batch fetched before stop() may still be handed to us: leave it uncommitted for the next member.
    if (this.stopping) return;
    this.inFlight += 1;
    try {
      const { topic, partition, messages } = batch;
      const handled = new Array<boolean>(messages.length).fill(false);
      const stopped = () => this.stopping || !isRunning() || isStale();
      let failure: { error: unknown } | undefined;

      // One lane per key, in offset order; `keyConcurrency` workers take lanes one at a time.
      const lanes = [...groupByKey(messages).values()];
      const worker = async (): Promise<void> => {
        for (let lane = lanes.shift(); lane !== undefined; lane = lanes.shift()) {
          for (const index of lane) {
            if (failure !== undefined || stopped()) return;
            try {
              await this.options.handler(toConsumedMessage(topic, partition, messages[index]));
              handled[index] = true;
              await heartbeat(); // sends only when the heartbeat interval has passed
            } catch (error) {
              failure ??= { error };
              return;
            }
          }
        }
      };
      const workers = Math.min(
        this.options.keyConcurrency ?? CONSUMER_DEFAULTS.keyConcurrency,
        lanes.length,
      );
      await Promise.all(Array.from({ length: workers }, worker));

      // Commit up to the first message not handled; the ones after it that were handled come
      // again with it (the handler is idempotent).
      const firstUnhandled = handled.indexOf(false);
      const done = firstUnhandled === -1 ? handled.length : firstUnhandled;
      if (done > 0) {
        const last = messages[done - 1].offset;
        resolveOffset(last);
        this.uncommitted.set(`${topic}:${partition}`, {
          topic,
          partition,
          offset: nextOffset(last),
        });
      }
      if (failure !== undefined) {
        await this.commitNow();
        throw failure.error;
      }
      await this.commitWhenDue();
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    }
  }

  /** Commits now if the interval has passed since the last commit, else schedules it. */
  private async commitWhenDue(): Promise<void> {
    const wait = this.lastCommitAt + this.commitIntervalMs - Date.now();
    if (wait <= 0) return this.commitNow();
    this.commitTimer ??= setTimeout(() => {
      this.commitTimer = undefined;
      this.commitNow().catch((error: unknown) =>
        // Its messages come again after a rebalance or restart: the handler is idempotent.
        this.consumer
          .logger()
          .warn('offset commit failed', { groupId: this.options.groupId, error: String(error) }),
      );
    }, wait);
  }

  /** Commits every handled offset not committed yet, after any commit still in flight. */
  private commitNow(): Promise<void> {
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    const run = this.commits.then(async () => {
      if (this.uncommitted.size === 0) return;
      const offsets = [...this.uncommitted.values()];
      this.uncommitted.clear();
      this.lastCommitAt = Date.now();
      await this.consumer.commitOffsets(offsets);
    });
    this.commits = run.catch(() => undefined);
    return run;
  }

  private idle(): Promise<void> {
    return this.inFlight === 0
      ? Promise.resolve()
      : new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

export function createConsumer(
  kafka: Pick<Kafka, 'consumer'>,
  options: ConsumerOptions,
): KafkaConsumer {
  return new KafkaConsumer(kafka, options);
}

function toConsumedMessage(
  topic: string,
  partition: number,
  message: KafkaMessage,
): ConsumedMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString('utf8'),
    value: message.value,
    headers: fromKafkaHeaders(message.headers),
    timestamp: message.timestamp,
  };
}

/** Indexes of `messages` by key, each list in offset order; messages without a key share one lane. */
function groupByKey(messages: readonly KafkaMessage[]): Map<string, number[]> {
  const lanes = new Map<string, number[]>();
  messages.forEach((message, index) => {
    const key = message.key === null ? '' : message.key.toString('latin1');
    const lane = lanes.get(key);
    if (lane === undefined) lanes.set(key, [index]);
    else lane.push(index);
  });
  return lanes;
}

/** The offset to commit after handling `offset`: Kafka commits the next offset to read. */
export function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}
