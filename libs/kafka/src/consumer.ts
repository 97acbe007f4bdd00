import { type Consumer, type EachMessagePayload, type Kafka, type RetryOptions } from 'kafkajs';
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
 * Handles one message. Resolve → the offset is committed; reject → nothing is committed and
 * kafkajs fetches the same message again (its `retry` backoff, then a consumer restart), so a
 * handler must be safe to run twice for the same message (the inbox pattern makes it so).
 */
export type MessageHandler = (message: ConsumedMessage) => Promise<void>;

export interface ConsumerOptions {
  groupId: string;
  topics: readonly string[];
  handler: MessageHandler;
  /** Where a group with no committed offset starts. Default true: nothing published before the group's first start is lost. */
  fromBeginning?: boolean;
  /** Partitions handled at the same time (default 1). Within a partition, messages are always handled one by one, in order. */
  partitionsConsumedConcurrently?: number;
  /**
   * How long a fetch waits on the broker for new data (default 100 ms). The kafkajs default of
   * 5000 ms adds up to five seconds to every hop of a saga.
   */
  maxWaitTimeInMs?: number;
  sessionTimeout?: number;
  heartbeatInterval?: number;
  /** kafkajs retry/backoff for a failing handler before it restarts the consumer. */
  retry?: RetryOptions & { restartOnFailure?: (error: Error) => Promise<boolean> };
}

export const CONSUMER_DEFAULTS = {
  fromBeginning: true,
  partitionsConsumedConcurrently: 1,
  maxWaitTimeInMs: 100,
} as const;

/**
 * A consumer group member that commits by hand: `autoCommit` is off and the offset of a message
 * (offset + 1, the next one to read) is committed only after its handler resolved.
 * Delivery is at least once: a crash between the handler and the commit redelivers the message.
 */
export class KafkaConsumer {
  private readonly consumer: Consumer;
  private stopping = false;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    kafka: Pick<Kafka, 'consumer'>,
    private readonly options: ConsumerOptions,
  ) {
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
      partitionsConsumedConcurrently:
        this.options.partitionsConsumedConcurrently ??
        CONSUMER_DEFAULTS.partitionsConsumedConcurrently,
      eachMessage: (payload) => this.handle(payload),
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
    // kafkajs ignores commitOffsets once its own stop() has begun, which is why we wait first.
    await this.consumer.stop();
  }

  /** `stop()`, then close the connections. */
  async disconnect(): Promise<void> {
    await this.stop();
    await this.consumer.disconnect();
  }

  private async handle({ topic, partition, message }: EachMessagePayload): Promise<void> {
    // A batch fetched before stop() may still be handed to us: leave it uncommitted for the next member.
    if (this.stopping) return;
    this.inFlight += 1;
    try {
      await this.options.handler({
        topic,
        partition,
        offset: message.offset,
        key: message.key === null ? null : message.key.toString('utf8'),
        value: message.value,
        headers: fromKafkaHeaders(message.headers),
        timestamp: message.timestamp,
      });
      await this.consumer.commitOffsets([{ topic, partition, offset: nextOffset(message.offset) }]);
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    }
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

/** The offset to commit after handling `offset`: Kafka commits the next offset to read. */
export function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}
