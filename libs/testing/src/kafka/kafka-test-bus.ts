import { randomBytes, randomUUID } from 'node:crypto';
import type { EventDefinition } from '@ecommerce/contracts';
import {
  type ConsumedMessage,
  type KafkaConsumer,
  type KafkaProducer,
  createConsumer,
  createKafka,
  createProducer,
} from '@ecommerce/kafka';
import { envelopeHeaders } from '@ecommerce/messaging';
import { type Admin, type Kafka, logLevel, Partitioners } from 'kafkajs';
import pino from 'pino';
import { waitFor } from '../stack/processes';

/** Where a published message landed. */
export interface Published {
  /** Its `ce_id`: publish again with the same id to prove the consumer deduplicates. */
  id: string;
  topic: string;
  partition: number;
  offset: string;
}

export interface PublishOptions {
  key: string;
  /** `ce_id`; a new UUID when absent. */
  id?: string;
  /** `ce_source` (default `test`). */
  source?: string;
  subject?: string;
  traceparent?: string;
}

/**
 * Every message of a topic from its beginning, as it arrives, that `filter` keeps. A test's
 * filter picks its own (by key: the order or user ids it made), so topics shared with other
 * runs do not matter.
 */
export class TopicCollector {
  readonly messages: ConsumedMessage[] = [];

  constructor(
    readonly topic: string,
    private readonly filter: (message: ConsumedMessage) => boolean,
  ) {}

  /** @internal */
  push(message: ConsumedMessage): void {
    // A filter that throws (a payload that does not decode: topics carry poison messages too)
    // means "not ours"; rethrowing would leave the collector stuck on that message.
    let ours = false;
    try {
      ours = this.filter(message);
    } catch {
      ours = false;
    }
    if (ours) this.messages.push(message);
  }

  /** The kept messages that `match`, once there are at least `count` of them. */
  async waitFor(
    count: number,
    match: (message: ConsumedMessage) => boolean = () => true,
    timeoutMs = 20_000,
  ): Promise<ConsumedMessage[]> {
    await waitFor(
      `${count} message(s) on ${this.topic}`,
      async () => this.messages.filter(match).length >= count,
      timeoutMs,
      50,
    );
    return this.messages.filter(match);
  }
}

/**
 * A test's own Kafka client against the real broker: publishes messages with the platform's
 * envelope (CloudEvents headers, protobuf payload) as a service's outbox relay would, reads
 * topics from the beginning with a group of its own, and tells when a consumer group has
 * committed past a message (the proof that a duplicate was handled, and had no effect).
 */
export class KafkaTestBus {
  private readonly collectors: KafkaConsumer[] = [];

  private constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly producer: KafkaProducer,
  ) {}

  /** Connects to `KAFKA_BROKERS` (default 127.0.0.1:29092); fails with a hint when nothing answers. */
  static async connect(clientId = 'test-bus', brokers = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:29092'): Promise<KafkaTestBus> {
    const logger = pino({ level: 'error' });
    const kafka = createKafka({ clientId, brokers, logger, logLevel: logLevel.ERROR, connectionTimeout: 3_000 });
    const admin = kafka.admin();
    try {
      await admin.connect();
    } catch (error) {
      throw new Error(
        `No Kafka broker answers at ${brokers} (${(error as Error).message}). Start one with \`npm run infra:up\`.`,
      );
    }
    const producer = createProducer(kafka);
    await producer.connect();
    return new KafkaTestBus(kafka, admin, producer);
  }

  /** Publishes one event of the catalog, keyed and enveloped like the platform's own messages. */
  async publish<T>(event: EventDefinition<T>, payload: T, options: PublishOptions): Promise<Published> {
    const id = options.id ?? randomUUID();
    const headers = envelopeHeaders({
      id,
      type: event.type,
      source: options.source ?? 'test',
      time: new Date(),
      subject: options.subject ?? options.key,
      traceparent: options.traceparent,
    });
    return this.publishRaw(event.topic, { key: options.key, value: Buffer.from(event.codec.encode(payload).finish()), headers });
  }

  /** Publishes anything, a malformed message included (to prove it is dead-lettered). */
  async publishRaw(
    topic: string,
    message: { key: string; value: Buffer; headers?: Record<string, string> },
  ): Promise<Published> {
    const [metadata] = await this.producer.send(topic, [message]);
    if (!metadata) throw new Error(`no acknowledgement from ${topic}`);
    return {
      id: message.headers?.['ce_id'] ?? '',
      topic,
      partition: metadata.partition,
      offset: metadata.baseOffset ?? metadata.offset ?? '-1',
    };
  }

  /**
   * One key per partition of `topic`, each hashing to that partition under the producers'
   * default partitioner: to put a message in front of whatever any key will send next.
   */
  async keyPerPartition(topic: string): Promise<Map<number, string>> {
    const { topics } = await this.admin.fetchTopicMetadata({ topics: [topic] });
    const partitionMetadata = topics[0]?.partitions ?? [];
    const partitioner = Partitioners.DefaultPartitioner();
    const keys = new Map<number, string>();
    while (keys.size < partitionMetadata.length) {
      const key = randomUUID();
      const partition = partitioner({ topic, partitionMetadata, message: { key, value: null } });
      if (!keys.has(partition)) keys.set(partition, key);
    }
    return keys;
  }

  /** The members of a consumer group right now, as `clientId@host` (empty when nobody consumes). */
  async groupMembers(groupId: string): Promise<string[]> {
    const { groups } = await this.admin.describeGroups([groupId]);
    return (groups[0]?.members ?? []).map((member) => `${member.clientId}@${member.clientHost}`);
  }

  /** A consumer group's state (`Stable`, `PreparingRebalance`, `Empty`, ...) and how many members it has. */
  async groupState(groupId: string): Promise<{ state: string; members: number }> {
    const { groups } = await this.admin.describeGroups([groupId]);
    return { state: groups[0]?.state ?? 'Dead', members: groups[0]?.members.length ?? 0 };
  }

  /** Starts reading `topic` from its beginning with a new group; `filter` picks the test's messages. */
  async collect(topic: string, filter: (message: ConsumedMessage) => boolean): Promise<TopicCollector> {
    const collector = new TopicCollector(topic, filter);
    const consumer = createConsumer(this.kafka, {
      groupId: `test-bus-${randomBytes(6).toString('hex')}`,
      topics: [topic],
      fromBeginning: true,
      handler: async (message) => collector.push(message),
    });
    this.collectors.push(consumer);
    await consumer.start();
    return collector;
  }

  /** Resolves once `groupId` has committed past `message`: its handler finished with it. */
  async waitUntilConsumed(groupId: string, message: Published, timeoutMs = 20_000): Promise<void> {
    await waitFor(
      `${groupId} to commit past ${message.topic}[${message.partition}]@${message.offset}`,
      async () => {
        const [offsets] = await this.admin.fetchOffsets({ groupId, topics: [message.topic] });
        const committed = offsets?.partitions.find((p) => p.partition === message.partition)?.offset ?? '-1';
        return BigInt(committed) > BigInt(message.offset);
      },
      timeoutMs,
      100,
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.collectors.map((consumer) => consumer.disconnect().catch(() => undefined)));
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }
}
