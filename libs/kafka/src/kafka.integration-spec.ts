import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Admin, type Kafka, logLevel } from 'kafkajs';
import { assertBrokerAnswers, keptLogger } from '@ecommerce/testing';
import {
  type ConsumedMessage,
  type ConsumerOptions,
  type KafkaConsumer,
  type KafkaProducer,
  createConsumer,
  createKafka,
  createProducer,
  ensureTopics,
} from './index';

/**
 * Against a real broker: `npm run infra:up` (or KAFKA_BROKERS pointing at one).
 * Without a broker every test fails with a message saying so; nothing is skipped.
 */
const BROKERS = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:29092';

jest.setTimeout(60_000);

/** kafkajs logs are kept, not printed: the failing-handler test makes kafkajs log errors on purpose. */
const logger = keptLogger();

let kafka: Kafka;
let admin: Admin;
const topics: string[] = [];
const consumers: KafkaConsumer[] = [];
const producers: KafkaProducer[] = [];

beforeAll(async () => {
  await assertBrokerAnswers('kafka-lib', logger);
  kafka = createKafka({
    clientId: 'kafka-lib-it',
    brokers: BROKERS,
    logger,
    logLevel: logLevel.INFO,
  });
  admin = kafka.admin();
  await admin.connect();
});

afterEach(async () => {
  await Promise.all(consumers.splice(0).map((c) => c.disconnect()));
  await Promise.all(producers.splice(0).map((p) => p.disconnect()));
});

afterAll(async () => {
  if (!admin) return;
  if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
});

async function newTopic(numPartitions: number): Promise<string> {
  const topic = `it.kafka-lib.${randomUUID().slice(0, 8)}`;
  const result = await ensureTopics(admin, [{ topic, numPartitions }]);
  expect(result).toEqual({ created: [topic], existing: [] });
  topics.push(topic);
  return topic;
}

async function connectedProducer(): Promise<KafkaProducer> {
  const producer = createProducer(kafka);
  await producer.connect();
  producers.push(producer);
  return producer;
}

async function startedConsumer(options: ConsumerOptions): Promise<KafkaConsumer> {
  const consumer = createConsumer(kafka, options);
  consumers.push(consumer);
  await consumer.start();
  return consumer;
}

/** Stops and forgets a consumer (so afterEach does not stop it twice). */
async function disconnect(consumer: KafkaConsumer): Promise<void> {
  consumers.splice(consumers.indexOf(consumer), 1);
  await consumer.disconnect();
}

/** Committed offset per partition; '-1' where the group has committed nothing. */
async function committed(groupId: string, topic: string): Promise<Record<number, string>> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return Object.fromEntries(entry.partitions.map((p) => [p.partition, p.offset]));
}

async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const groupId = () => `it.kafka-lib.${randomUUID().slice(0, 8)}`;

describe('@ecommerce/kafka against a real broker', () => {
  it('ensureTopics is idempotent: a second call creates nothing', async () => {
    const topic = await newTopic(3);
    expect(await ensureTopics(admin, [{ topic, numPartitions: 3 }])).toEqual({
      created: [],
      existing: [topic],
    });
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    expect(metadata.partitions).toHaveLength(3);
    expect(metadata.partitions.every((p) => p.leader >= 0)).toBe(true);
  });

  it('delivers keyed messages in order per key, with their headers, and commits every one', async () => {
    const topic = await newTopic(3);
    const group = groupId();
    const keys = ['order-a', 'order-b', 'order-c', 'order-d'];
    const producer = await connectedProducer();
    const sent = [0, 1, 2, 3, 4].flatMap((i) =>
      keys.map((key) => ({
        key,
        value: Buffer.from(`${key}#${i}`),
        headers: { ce_id: `${key}-${i}`, ce_type: 'OrderTested' },
      })),
    );
    await producer.send(topic, sent);

    const received: ConsumedMessage[] = [];
    const consumer = await startedConsumer({
      groupId: group,
      topics: [topic],
      partitionsConsumedConcurrently: 3,
      handler: async (message) => {
        received.push(message);
      },
    });
    await waitFor('all 20 messages', () => received.length === sent.length);

    for (const key of keys) {
      const ofKey = received.filter((m) => m.key === key);
      expect(ofKey.map((m) => m.value?.toString())).toEqual(
        [0, 1, 2, 3, 4].map((i) => `${key}#${i}`),
      );
      expect(new Set(ofKey.map((m) => m.partition)).size).toBe(1); // one key, one partition
      expect(ofKey.map((m) => m.headers)).toEqual(
        [0, 1, 2, 3, 4].map((i) => ({ ce_id: `${key}-${i}`, ce_type: 'OrderTested' })),
      );
    }

    await disconnect(consumer);
    const ends = await admin.fetchTopicOffsets(topic);
    // A partition no key hashed to has nothing to commit (-1).
    const expected = Object.fromEntries(
      ends.map((p) => [p.partition, p.high === '0' ? '-1' : p.high]),
    );
    expect(await committed(group, topic)).toEqual(expected);
  });

  it('commits a message only after its handler resolved', async () => {
    const topic = await newTopic(1);
    const group = groupId();
    await (
      await connectedProducer()
    ).send(topic, [{ key: 'order-1', value: Buffer.from('first') }]);

    const gate = deferred();
    const started: string[] = [];
    await startedConsumer({
      groupId: group,
      topics: [topic],
      handler: async (message) => {
        started.push(message.offset);
        await gate.promise;
      },
    });
    await waitFor('the handler to start', () => started.length === 1);
    await sleep(500);
    expect(await committed(group, topic)).toEqual({ 0: '-1' });

    gate.resolve();
    await waitFor(
      'offset 1 to be committed',
      async () => (await committed(group, topic))[0] === '1',
    );
  });

  it('redelivers a message whose handler failed, after the consumer restarts', async () => {
    const topic = await newTopic(1);
    const group = groupId();
    await (
      await connectedProducer()
    ).send(
      topic,
      ['m0', 'm1', 'm2'].map((v) => ({ key: 'order-1', value: Buffer.from(v) })),
    );

    const attempts: string[] = [];
    const failing = await startedConsumer({
      groupId: group,
      topics: [topic],
      retry: { retries: 2, initialRetryTime: 100 },
      handler: async (message) => {
        attempts.push(message.value?.toString() ?? '');
        if (message.value?.toString() === 'm1') throw new Error('handler failed on purpose');
      },
    });
    await waitFor('m1 to fail twice', () => attempts.filter((a) => a === 'm1').length >= 2);
    expect(attempts).not.toContain('m2'); // a failing message blocks its partition (until a DLT policy exists)
    expect(await committed(group, topic)).toEqual({ 0: '1' }); // m0 committed, m1 not

    await disconnect(failing);
    expect(await committed(group, topic)).toEqual({ 0: '1' });

    const redelivered: string[] = [];
    await startedConsumer({
      groupId: group,
      topics: [topic],
      handler: async (message) => {
        redelivered.push(message.value?.toString() ?? '');
      },
    });
    await waitFor('m1 and m2 after the restart', () => redelivered.length === 2);
    expect(redelivered).toEqual(['m1', 'm2']);
    await waitFor(
      'offset 3 to be committed',
      async () => (await committed(group, topic))[0] === '3',
    );
  });

  it('disconnect() lets the in-flight message finish and commit, then leaves the group', async () => {
    const topic = await newTopic(1);
    const group = groupId();
    await (
      await connectedProducer()
    ).send(
      topic,
      ['m0', 'm1'].map((v) => ({ key: 'order-1', value: Buffer.from(v) })),
    );

    const gate = deferred();
    const handled: string[] = [];
    const consumer = await startedConsumer({
      groupId: group,
      topics: [topic],
      handler: async (message) => {
        handled.push(message.value?.toString() ?? '');
        if (message.value?.toString() === 'm0') await gate.promise;
      },
    });
    await waitFor('m0 in flight', () => handled.length === 1);

    const leaving = disconnect(consumer);
    await sleep(300);
    gate.resolve();
    const leftAt = Date.now();
    await leaving;

    expect(handled).toEqual(['m0']);
    expect(await committed(group, topic)).toEqual({ 0: '1' });

    // The group was left, not abandoned: a new member gets the partition at once and resumes at m1.
    const next: string[] = [];
    await startedConsumer({
      groupId: group,
      topics: [topic],
      handler: async (m) => void next.push(m.value?.toString() ?? ''),
    });
    await waitFor('m1 on the next member', () => next.length === 1, 10_000);
    expect(next).toEqual(['m1']);
    expect(Date.now() - leftAt).toBeLessThan(10_000); // well under the 30 s session timeout
  });
});
