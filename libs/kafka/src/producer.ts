import { type Kafka, type Producer, type RecordMetadata } from 'kafkajs';
import { toKafkaHeaders } from './headers';

/** One message to publish. The key decides the partition, so one order's messages stay in order. */
export interface OutgoingMessage {
  key: string;
  value: Buffer;
  headers?: Readonly<Record<string, string | undefined>>;
}

export interface ProducerOptions {
  /**
   * Idempotent producer (default true): the broker drops a batch the producer retries after a
   * lost acknowledgement, so a retry never writes a duplicate or reorders a partition.
   * It does not survive a producer restart (new producer id): consumers still deduplicate (inbox).
   */
  idempotent?: boolean;
  /** Default false: the platform creates its topics up front; a misspelt topic should fail, not appear. */
  allowAutoTopicCreation?: boolean;
}

/**
 * Settings, and why:
 * - `acks: -1` (all in-sync replicas): a send resolves only once the message is durable; the
 *   idempotent producer requires it.
 * - `maxInFlightRequests: 1`: kafkajs (its idempotent mode is marked experimental) does not
 *   re-sequence batches queued behind a failed one the way the Java client does, so with several
 *   requests in flight a retry can fail with OUT_OF_ORDER_SEQUENCE_NUMBER or, without idempotence,
 *   land after a later batch and break per-key order. One request at a time costs throughput the
 *   outbox relay (one sequential publisher per service) does not need.
 * - retries: kafkajs' default for an idempotent producer (effectively unbounded, with backoff);
 *   the outbox relay retries a failed `send` from the outbox row anyway.
 */
export const PRODUCER_DEFAULTS = { acks: -1, maxInFlightRequests: 1, idempotent: true } as const;

/** One topic's share of a {@link KafkaProducer.sendBatch}. */
export interface TopicMessages {
  topic: string;
  messages: OutgoingMessage[];
}

export class KafkaProducer {
  private readonly producer: Producer;

  constructor(kafka: Pick<Kafka, 'producer'>, options: ProducerOptions = {}) {
    this.producer = kafka.producer({
      idempotent: options.idempotent ?? PRODUCER_DEFAULTS.idempotent,
      maxInFlightRequests: PRODUCER_DEFAULTS.maxInFlightRequests,
      allowAutoTopicCreation: options.allowAutoTopicCreation ?? false,
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  /** Publishes `messages` to `topic`; resolves once every one is acknowledged by all in-sync replicas. */
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<RecordMetadata[]> {
    return this.producer.send({
      topic,
      acks: PRODUCER_DEFAULTS.acks,
      messages: messages.map((m) => ({
        key: m.key,
        value: m.value,
        headers: toKafkaHeaders(m.headers ?? {}),
      })),
    });
  }

  /**
   * Publishes every topic's messages in one request to the broker; resolves once every one is
   * acknowledged by all in-sync replicas. Each topic's messages keep their order within a
   * partition, as with {@link send}.
   */
  sendBatch(batches: readonly TopicMessages[]): Promise<RecordMetadata[]> {
    return this.producer.sendBatch({
      acks: PRODUCER_DEFAULTS.acks,
      topicMessages: batches.map(({ topic, messages }) => ({
        topic,
        messages: messages.map((m) => ({ key: m.key, value: m.value, headers: toKafkaHeaders(m.headers ?? {}) })),
      })),
    });
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}

export function createProducer(
  kafka: Pick<Kafka, 'producer'>,
  options?: ProducerOptions,
): KafkaProducer {
  return new KafkaProducer(kafka, options);
}
