import { randomBytes } from 'node:crypto';
import { deadLetterTopic } from '@ecommerce/contracts';
import {
  type ConsumedMessage,
  type KafkaConsumer,
  type KafkaLogger,
  type KafkaProducer,
  createConsumer,
  createKafka,
  createProducer,
  ensureTopics,
} from '@ecommerce/kafka';
import { type Admin, type Kafka, logLevel } from 'kafkajs';

const BROKERS = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:29092';

/** Keeps log lines instead of printing them; tests can look for a line. */
export function keptLogger(): KafkaLogger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (level: string) => (fields: Record<string, unknown>, message?: string) => {
    lines.push(`${level} ${message ?? ''} ${JSON.stringify(fields)}`);
  };
  return {
    lines,
    error: keep('error'),
    warn: keep('warn'),
    info: keep('info'),
    debug: keep('debug'),
  };
}

/** `prefix` and a random suffix: a topic or group name no other test run uses. */
export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/**
 * The raw Kafka clients of @ecommerce/kafka, for the libraries' own tests (messaging's outbox
 * relay and inbox consumer): throwaway topics with their dead-letter topics, collectors and the
 * committed offsets of a group. A service's tests use {@link KafkaTestBus} instead, which speaks
 * the platform's envelope on its real topics.
 */
export interface KafkaHarness {
  kafka: Kafka;
  admin: Admin;
  /** Connected; disconnected by `close()`. */
  producer: KafkaProducer;
  logger: ReturnType<typeof keptLogger>;
  /** A new topic and its `.dlt`, both created and with leaders. */
  newTopic(partitions?: number): Promise<string>;
  /** Every message of `topic` from the beginning, as it arrives. */
  collect(topic: string): Promise<ConsumedMessage[]>;
  /** The group's committed offsets for `topic`, by partition. */
  committed(groupId: string, topic: string): Promise<Record<number, string>>;
  close(): Promise<void>;
}

/**
 * Fails at once, saying how to start one, unless a broker answers at KAFKA_BROKERS: a test
 * without a broker fails with that message instead of timing out (nothing is skipped).
 */
export async function assertBrokerAnswers(clientId: string, logger: KafkaLogger): Promise<void> {
  const probe = createKafka({
    clientId: `${clientId}-probe`,
    brokers: BROKERS,
    logger,
    connectionTimeout: 2_000,
    retry: { retries: 1 },
  }).admin();
  try {
    await probe.connect();
    await probe.describeCluster();
  } catch (error) {
    throw new Error(
      `No Kafka broker answers at ${BROKERS} (${(error as Error).message}). ` +
        'Start one with `npm run infra:up`, or point KAFKA_BROKERS at a running broker.',
    );
  } finally {
    await probe.disconnect().catch(() => undefined);
  }
}

export async function kafkaHarness(clientId: string): Promise<KafkaHarness> {
  const logger = keptLogger();
  await assertBrokerAnswers(clientId, logger);

  const kafka = createKafka({ clientId, brokers: BROKERS, logger, logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  const producer = createProducer(kafka);
  await producer.connect();
  const topics: string[] = [];
  const collectors: KafkaConsumer[] = [];

  return {
    kafka,
    admin,
    producer,
    logger,
    async newTopic(partitions = 1) {
      const topic = unique('messaging-it');
      await ensureTopics(admin, [
        { topic, numPartitions: partitions },
        { topic: deadLetterTopic(topic), numPartitions: 1 },
      ]);
      topics.push(topic, deadLetterTopic(topic));
      return topic;
    },
    async collect(topic) {
      const messages: ConsumedMessage[] = [];
      const consumer = createConsumer(kafka, {
        groupId: unique('collector'),
        topics: [topic],
        handler: async (message) => void messages.push(message),
      });
      collectors.push(consumer);
      await consumer.start();
      return messages;
    },
    async committed(groupId, topic) {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return Object.fromEntries(offsets.partitions.map((p) => [p.partition, p.offset]));
    },
    async close() {
      await Promise.all(collectors.map((c) => c.disconnect().catch(() => undefined)));
      await producer.disconnect();
      if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}
