import { EVENTS, deadLetterTopic, encodeEvent } from '@ecommerce/contracts';
import type { DomainError } from '@ecommerce/errors';
import {
  createScratchDatabase,
  type KafkaHarness,
  kafkaHarness,
  keptLogger,
  type PgTx,
  type ScratchDatabase,
  unique,
  waitFor,
} from '@ecommerce/testing';
import { DLT_HEADER } from './dead-letter';
import {
  type DeadLetterRecord,
  DeadLetterStore,
  REPLAY_HEADER,
  recordDeadLetter,
} from './dead-letter-store';
import { PoisonMessageError } from './envelope';
import { InboxConsumer } from './inbox-consumer';
import { OutboxRelay } from './outbox-relay';

/**
 * Dead letters you can operate, against a real Postgres (scratch database with the messaging
 * schema) and a real Kafka broker: a message the consumer gives up on is indexed, then replayed
 * through the outbox and the relay onto its topic, where the inbox handles it once.
 */

let scratch: ScratchDatabase;
let kafka: KafkaHarness;
let store: DeadLetterStore;
const stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  scratch = await createScratchDatabase(
    'CREATE TABLE effects (message_id text NOT NULL, order_id text NOT NULL);',
  );
  kafka = await kafkaHarness('messaging-dead-letters-it');
  store = new DeadLetterStore(scratch.db);
});

afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

afterAll(async () => {
  await kafka?.close();
  await scratch?.drop();
});

function confirmedMessage(id: string, orderId: string) {
  const value = encodeEvent('OrderConfirmed', {
    orderId,
    userId: 'user-1',
    totalCents: 1299,
    currency: 'EUR',
    confirmedAt: '2026-01-01T00:00:00.000Z',
  });
  return {
    key: orderId,
    value: Buffer.from(value),
    headers: {
      ce_id: id,
      ce_type: EVENTS.OrderConfirmed.type,
      ce_subject: orderId,
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    },
  };
}

async function effects(orderId: string): Promise<number> {
  const rows = await scratch.db.$queryRawUnsafe<Array<{ count: number }>>(
    'SELECT count(*)::int AS count FROM effects WHERE order_id = $1',
    orderId,
  );
  return rows[0]?.count ?? 0;
}

/** A consumer whose handler fails with `PoisonMessageError` while `broken.now`, as a bug would; then it is "fixed". */
async function startConsumer(topic: string, broken: { now: boolean }) {
  const groupId = unique('dead-letters');
  const consumer = new InboxConsumer({
    kafka: kafka.kafka,
    producer: kafka.producer,
    db: scratch.db,
    groupId,
    topics: [topic],
    logger: keptLogger(),
    retry: { attempts: 1 },
  }).on(EVENTS.OrderConfirmed, async (tx: PgTx, event) => {
    if (broken.now) throw new PoisonMessageError('the handler has a bug');
    await tx.$executeRawUnsafe(
      'INSERT INTO effects (message_id, order_id) VALUES ($1, $2)',
      event.id,
      event.payload.orderId,
    );
  });
  stops.push(() => consumer.stop());
  await consumer.start();
  return groupId;
}

async function startRelay() {
  const relay = new OutboxRelay({
    database: { connectionString: scratch.url },
    producer: kafka.producer,
    logger: keptLogger(),
    errorBackoffMs: 100,
  });
  stops.push(() => relay.stop());
  await relay.start();
}

async function waitingOn(topic: string): Promise<DeadLetterRecord[]> {
  return (await store.list({ topic, status: 'WAITING', page: 1, limit: 10 })).data;
}

async function deadLetterOf(topic: string): Promise<DeadLetterRecord> {
  await waitFor('the dead letter is indexed', async () => (await waitingOn(topic)).length === 1);
  return (await waitingOn(topic))[0] as DeadLetterRecord;
}

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a rejection');
}

describe('dead letters', () => {
  it('lists a poison message, then replays it once the consumer is fixed: one effect', async () => {
    const topic = await kafka.newTopic();
    const broken = { now: true };
    const groupId = await startConsumer(topic, broken);
    const dlt = await kafka.collect(deadLetterTopic(topic));
    await kafka.producer.send(topic, [confirmedMessage('msg-1', 'order-1')]);

    const letter = await deadLetterOf(topic);
    expect(letter).toMatchObject({
      consumer: groupId,
      topic,
      partition: 0,
      offset: '0',
      key: 'order-1',
      messageId: 'msg-1',
      eventType: EVENTS.OrderConfirmed.type,
      error: 'the handler has a bug',
      status: 'WAITING',
      replayCount: 0,
    });
    expect(Object.keys(letter.headers).filter((name) => name.startsWith('dlt_'))).toEqual([]);
    // The topic stays the transport: the message is on `<topic>.dlt` as well.
    await waitFor('the message is on the dead-letter topic', async () => dlt.length === 1);
    expect(dlt[0]?.headers[DLT_HEADER.consumer]).toBe(groupId);
    expect(await effects('order-1')).toBe(0);

    broken.now = false;
    await startRelay();
    const replayed = await store.replay(letter.id, 'admin-1');
    expect(replayed).toMatchObject({ status: 'REPLAYED', replayCount: 1, replayedBy: 'admin-1' });
    expect(replayed.replayedAt).toBeInstanceOf(Date);

    await waitFor(
      'the replay is handled',
      async () => (await store.get(letter.id)).replayOutcome === 'HANDLED',
    );
    expect(await effects('order-1')).toBe(1);
    expect(await waitingOn(topic)).toEqual([]);
  });

  it('replays with the original key, payload, ce_id and traceparent, without dlt_ headers, with a replay counter', async () => {
    const topic = await kafka.newTopic();
    await startConsumer(topic, { now: true });
    const sent = confirmedMessage('msg-2', 'order-2');
    await kafka.producer.send(topic, [sent]);
    const letter = await deadLetterOf(topic);
    const onTopic = await kafka.collect(topic);
    await startRelay();

    await store.replay(letter.id, 'admin-1');

    await waitFor('the replay is on the topic', async () => onTopic.length === 2);
    const replay = onTopic[1];
    expect(replay?.key).toBe('order-2');
    expect(replay?.value?.equals(sent.value)).toBe(true);
    expect(replay?.headers).toEqual({
      ...sent.headers,
      [REPLAY_HEADER.count]: '1',
      [REPLAY_HEADER.of]: letter.id,
    });
  });

  it('has one effect however often a message is replayed', async () => {
    const topic = await kafka.newTopic();
    const broken = { now: true };
    await startConsumer(topic, broken);
    await kafka.producer.send(topic, [confirmedMessage('msg-3', 'order-3')]);
    const letter = await deadLetterOf(topic);
    broken.now = false;
    await startRelay();

    await store.replay(letter.id, 'admin-1');
    await waitFor(
      'the first replay is handled',
      async () => (await store.get(letter.id)).replayOutcome === 'HANDLED',
    );
    await store.replay(letter.id, 'admin-2');
    await waitFor(
      'the second replay is seen as a duplicate',
      async () => (await store.get(letter.id)).replayOutcome === 'DUPLICATE',
    );

    expect(await effects('order-3')).toBe(1);
    expect(await store.get(letter.id)).toMatchObject({ replayCount: 2, replayedBy: 'admin-2' });
  });

  it('records a replay that fails again as a new dead letter, and says so on the one replayed', async () => {
    const topic = await kafka.newTopic();
    await startConsumer(topic, { now: true });
    await kafka.producer.send(topic, [confirmedMessage('msg-4', 'order-4')]);
    const letter = await deadLetterOf(topic);
    await startRelay();

    await store.replay(letter.id, 'admin-1');

    await waitFor(
      'the replay fails again',
      async () => (await store.get(letter.id)).replayOutcome === 'DEAD_LETTERED',
    );
    const [again] = await waitingOn(topic);
    expect(again).toMatchObject({ messageId: 'msg-4', replayOf: letter.id, offset: '1' });
  });

  it('discards with a reason: gone from the waiting list, and never replayed', async () => {
    const topic = await kafka.newTopic();
    await startConsumer(topic, { now: true });
    await kafka.producer.send(topic, [confirmedMessage('msg-5', 'order-5')]);
    const letter = await deadLetterOf(topic);

    const discarded = await store.discard(letter.id, '  refunded by hand  ', 'admin-1');

    expect(discarded).toMatchObject({
      status: 'DISCARDED',
      discardReason: 'refunded by hand',
      discardedBy: 'admin-1',
    });
    expect(await waitingOn(topic)).toEqual([]);
    expect(
      (await store.list({ topic, status: 'DISCARDED', page: 1, limit: 10 })).data.map((d) => d.id),
    ).toEqual([letter.id]);
    expect((await rejection(store.replay(letter.id, 'admin-1'))).code).toBe(
      'DEAD_LETTER_DISCARDED',
    );
    expect((await rejection(store.discard(letter.id, 'again', 'admin-1'))).code).toBe(
      'DEAD_LETTER_NOT_WAITING',
    );
    expect(await store.replayAll('admin-1', topic)).toEqual([]);
  });

  it('replays every waiting one of a topic, and only those', async () => {
    const topic = await kafka.newTopic();
    const other = await kafka.newTopic();
    await startConsumer(topic, { now: true });
    await startConsumer(other, { now: true });
    await kafka.producer.send(topic, [
      confirmedMessage('msg-6', 'order-6'),
      confirmedMessage('msg-7', 'order-7'),
    ]);
    await kafka.producer.send(other, [confirmedMessage('msg-8', 'order-8')]);
    await waitFor(
      'all three indexed',
      async () => (await waitingOn(topic)).length === 2 && (await waitingOn(other)).length === 1,
    );

    const ids = await store.replayAll('admin-1', topic);

    expect(ids.sort()).toEqual(
      (await store.list({ topic, page: 1, limit: 10 })).data.map((d) => d.id).sort(),
    );
    expect(await waitingOn(topic)).toEqual([]);
    expect(await waitingOn(other)).toHaveLength(1);
    expect((await store.waitingByTopic()).get(other)).toBe(1);
  });

  it('keeps one row for a message dead-lettered twice (a crash before its offset was committed)', async () => {
    const topic = unique('never-consumed');
    const message = {
      topic,
      partition: 2,
      offset: '41',
      key: 'order-9',
      value: Buffer.from('x'),
      headers: { ce_id: 'msg-9' },
      timestamp: '0',
    };

    await recordDeadLetter(scratch.db, message, new Error('first'), 'group-a');
    await recordDeadLetter(scratch.db, message, new Error('second'), 'group-a');
    await recordDeadLetter(scratch.db, message, new Error('another group'), 'group-b');

    const rows = (await store.list({ topic, page: 1, limit: 10 })).data;
    expect(rows.map((row) => [row.consumer, row.error]).sort()).toEqual([
      ['group-a', 'first'],
      ['group-b', 'another group'],
    ]);
  });

  it('keeps a message of a topic created again, at an offset an earlier one had', async () => {
    const topic = unique('recreated');
    const first = {
      topic,
      partition: 0,
      offset: '0',
      key: 'order-1',
      value: Buffer.from('before'),
      headers: { ce_id: 'msg-before' },
      timestamp: String(Date.parse('2026-12-01T10:00:00.000Z')),
    };
    // The topic deleted and created again: its first record has offset 0 again.
    const again = {
      ...first,
      value: Buffer.from('after'),
      headers: { ce_id: 'msg-after' },
      timestamp: String(Date.parse('2026-12-02T10:00:00.000Z')),
    };

    await recordDeadLetter(scratch.db, first, new Error('before'), 'group-a');
    await recordDeadLetter(scratch.db, again, new Error('after'), 'group-a');

    const rows = (await store.list({ topic, page: 1, limit: 10 })).data;
    expect(rows.map((row) => [row.messageId, row.payload.toString(), row.error]).sort()).toEqual([
      ['msg-after', 'after', 'after'],
      ['msg-before', 'before', 'before'],
    ]);
  });

  it('refuses ids that are not UUIDs and reports unknown ones', async () => {
    expect((await rejection(store.get('nope'))).code).toBe('VALIDATION_FAILED');
    expect((await rejection(store.get('0193a4c2-7d1e-7c3a-9b2f-4e5d6c7b8a90'))).code).toBe(
      'DEAD_LETTER_NOT_FOUND',
    );
    expect(
      (await rejection(store.discard('0193a4c2-7d1e-7c3a-9b2f-4e5d6c7b8a90', ' ', 'admin-1'))).code,
    ).toBe('VALIDATION_FAILED');
  });
});
