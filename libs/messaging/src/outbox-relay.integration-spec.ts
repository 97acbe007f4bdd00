import { setTimeout as sleep } from 'node:timers/promises';
import { EVENTS, encodeEvent } from '@ecommerce/contracts';
import { InboxConsumer } from './inbox-consumer';
import { Outbox } from './outbox';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
import {
  createScratchDatabase,
  type KafkaHarness,
  kafkaHarness,
  keptLogger,
  type ScratchDatabase,
  unique,
  waitFor,
} from '@ecommerce/testing';

/**
 * The relay against a real Postgres (a scratch database per file) and a real Kafka broker
 * (`npm run infra:up`, or KAFKA_BROKERS). Every test has its own topics.
 */

let scratch: ScratchDatabase;
let kafka: KafkaHarness;
const relays: OutboxRelay[] = [];
const consumers: InboxConsumer<never>[] = [];
const outbox = new Outbox({ source: 'order-service' });

beforeAll(async () => {
  scratch = await createScratchDatabase(
    'CREATE TABLE effects (message_id text NOT NULL, note text NOT NULL);',
  );
  kafka = await kafkaHarness('messaging-relay-it');
});

afterEach(async () => {
  await Promise.all(consumers.splice(0).map((c) => c.stop()));
  await Promise.all(relays.splice(0).map((r) => r.stop()));
  await scratch.pool.query('TRUNCATE outbox, inbox, effects');
});

afterAll(async () => {
  await kafka?.close();
  await scratch?.drop();
});

function relay(options: Partial<OutboxRelayOptions> = {}): OutboxRelay {
  const created = new OutboxRelay({
    database: { connectionString: scratch.url },
    producer: kafka.producer,
    logger: keptLogger(),
    errorBackoffMs: 100,
    ...options,
  });
  relays.push(created);
  return created;
}

function enqueueIn(
  tx: Parameters<Outbox['enqueue']>[0],
  topic: string,
  key: string,
  value: string,
) {
  return outbox.enqueue(tx, {
    topic,
    key,
    type: 'ecommerce.test.v1.Text',
    payload: Buffer.from(value),
  });
}

async function unpublished(): Promise<number> {
  const { rows } = await scratch.pool.query(
    'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL',
  );
  return rows[0].n;
}

const values = (messages: Array<{ value: Buffer | null }>) =>
  messages.map((m) => m.value?.toString() ?? '');

describe('OutboxRelay', () => {
  it('publishes a committed message right after the commit (NOTIFY, not the poll), with its envelope', async () => {
    const topic = await kafka.newTopic();
    const received = await kafka.collect(topic);
    const relayed = relay({ pollIntervalMs: 10_000 });
    await relayed.start();
    expect(relayed.isLeader).toBe(true);
    await sleep(500); // the relay has published nothing and now sleeps for 10 s

    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const payload = encodeEvent('OrderConfirmed', {
      orderId: 'order-1',
      userId: 'user-1',
      totalCents: 1299,
      currency: 'EUR',
      confirmedAt: '2026-01-01T00:00:00.000Z',
    });
    const id = await scratch.db.$transaction((tx) =>
      outbox.enqueue(tx, {
        topic,
        key: 'order-1',
        type: EVENTS.OrderConfirmed.type,
        payload,
        subject: 'order-1',
        traceparent,
      }),
    );
    const committedAt = Date.now();
    await waitFor('the row marked published', async () => (await unpublished()) === 0, 5_000);
    expect(Date.now() - committedAt).toBeLessThan(2_000);

    await waitFor('the message in Kafka', () => received.length === 1);
    const [message] = received;
    expect(message.key).toBe('order-1');
    expect(message.value).toEqual(Buffer.from(payload));
    expect(message.headers).toEqual({
      ce_id: id,
      ce_type: 'ecommerce.order.v1.OrderConfirmed',
      ce_source: 'order-service',
      ce_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      ce_subject: 'order-1',
      ce_specversion: '1.0',
      'content-type': 'application/protobuf',
      traceparent,
    });
    const { rows } = await scratch.pool.query(
      `SELECT published_at - created_at < interval '2 seconds' AS prompt, traceparent FROM outbox`,
    );
    expect(rows).toEqual([{ prompt: true, traceparent }]);
  });

  it('without a NOTIFY, the poll finds the row (its probe, then the batch) and publishes it', async () => {
    const topic = await kafka.newTopic();
    const received = await kafka.collect(topic);
    const relayed = relay({ pollIntervalMs: 300 });
    await relayed.start();
    await sleep(1_000); // a few quiet polls: each probed and found nothing
    // No trigger, no NOTIFY: as for a row committed while the relay's LISTEN was not yet in place.
    await scratch.pool.query('ALTER TABLE outbox DISABLE TRIGGER USER');
    try {
      await scratch.db.$transaction((tx) => enqueueIn(tx, topic, 'k', 'polled'));
      await waitFor('the row marked published', async () => (await unpublished()) === 0, 5_000);
      await waitFor('the message in Kafka', () => received.length === 1);
      expect(values(received)).toEqual(['polled']);
    } finally {
      await scratch.pool.query('ALTER TABLE outbox ENABLE TRIGGER USER');
    }
  });

  it('publishes nothing for a rolled-back transaction', async () => {
    const topic = await kafka.newTopic();
    const received = await kafka.collect(topic);
    await relay({ pollIntervalMs: 200 }).start();

    await expect(
      scratch.db.$transaction(async (tx) => {
        await enqueueIn(tx, topic, 'order-1', 'rolled back');
        throw new Error('the order could not be saved');
      }),
    ).rejects.toThrow('could not be saved');
    await scratch.db.$transaction((tx) => enqueueIn(tx, topic, 'order-1', 'committed'));

    await waitFor('the committed message', () => received.length >= 1);
    await sleep(500); // a few polls more: still nothing else
    expect(values(received)).toEqual(['committed']);
    const { rows } = await scratch.pool.query('SELECT count(*)::int AS n FROM outbox');
    expect(rows[0].n).toBe(1);
  });

  it('keeps write order across batches, within one transaction and between two', async () => {
    const topic = await kafka.newTopic(3);
    const received = await kafka.collect(topic);
    const written: Array<[key: string, value: string]> = [];
    const write = (tx: Parameters<Outbox['enqueue']>[0], key: string, value: string) => {
      written.push([key, value]);
      return enqueueIn(tx, topic, key, value);
    };
    // Many rows of one key in one transaction: several share a created_at millisecond, and only
    // the rising ids keep them in order.
    await scratch.db.$transaction(async (tx) => {
      for (let i = 0; i < 40; i += 1) await write(tx, 'order-0', `a${i}`);
    });
    await scratch.db.$transaction(async (tx) => {
      for (let i = 0; i < 10; i += 1) await write(tx, `order-${i % 2}`, `b${i}`);
    });
    await relay({ batchSize: 7 }).start();

    await waitFor('all 50 messages', () => received.length === 50);
    for (const key of ['order-0', 'order-1']) {
      const expected = written.filter(([k]) => k === key).map(([, value]) => value);
      expect(values(received.filter((m) => m.key === key))).toEqual(expected);
    }
  });

  it('publishes again after a crash between publish and mark; the inbox makes the second delivery a no-op', async () => {
    const topic = await kafka.newTopic();
    const received = await kafka.collect(topic);
    let marks = 0;
    const relayed = relay({
      hooks: {
        beforeMark: () => {
          marks += 1;
          if (marks === 1) throw new Error('simulated crash after publish, before mark');
        },
      },
    });
    const groupId = unique('inbox');
    const consumer = new InboxConsumer({
      kafka: kafka.kafka,
      producer: kafka.producer,
      db: scratch.db,
      groupId,
      topics: [topic],
      logger: keptLogger(),
    }).on(EVENTS.OrderConfirmed, async (tx, event) => {
      await tx.$executeRawUnsafe(
        'INSERT INTO effects (message_id, note) VALUES ($1, $2)',
        event.id,
        `confirmation email for ${event.payload.orderId}`,
      );
    });
    consumers.push(consumer as InboxConsumer<never>);
    await consumer.start();

    const id = await scratch.db.$transaction((tx) =>
      outbox.enqueue(tx, {
        topic,
        key: 'order-1',
        type: EVENTS.OrderConfirmed.type,
        payload: encodeEvent('OrderConfirmed', {
          orderId: 'order-1',
          userId: 'user-1',
          totalCents: 1,
          currency: 'EUR',
          confirmedAt: '',
        }),
      }),
    );
    await relayed.start();

    await waitFor('two copies in Kafka', () => received.length === 2);
    expect(received.map((m) => m.headers['ce_id'])).toEqual([id, id]);
    expect(marks).toBe(2);
    await waitFor('the row marked published', async () => (await unpublished()) === 0);

    await waitFor(
      'both copies consumed',
      async () => (await kafka.committed(groupId, topic))[0] === '2',
    );
    const effects = await scratch.db.$queryRawUnsafe<unknown[]>('SELECT * FROM effects');
    expect(effects).toEqual([{ message_id: id, note: 'confirmation email for order-1' }]);
    const inbox = await scratch.db.$queryRawUnsafe<unknown[]>(
      'SELECT consumer, message_id FROM inbox',
    );
    expect(inbox).toEqual([{ consumer: groupId, message_id: id }]);
  });

  it('two relays on one database: only the lock holder publishes; on its stop the standby takes over in order', async () => {
    const topic = await kafka.newTopic(3);
    const received = await kafka.collect(topic);
    const batches: Array<{ by: string; ids: readonly string[] }> = [];
    const relayFor = (by: string) =>
      relay({
        pollIntervalMs: 200,
        standbyRetryMs: 200,
        batchSize: 5,
        hooks: { beforeMark: (ids) => void batches.push({ by, ids }) },
      });
    const a = relayFor('a');
    const b = relayFor('b');
    await a.start();
    await b.start();
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);

    // A writer keeps committing messages for three orders while the leader changes.
    let seq = 0;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        const n = seq++;
        await scratch.db.$transaction((tx) => enqueueIn(tx, topic, `order-${n % 3}`, String(n)));
        await sleep(5);
      }
    })();

    await waitFor('a to publish 30', () => batches.flatMap((x) => x.ids).length >= 30);
    expect(batches.every((x) => x.by === 'a')).toBe(true);
    expect(b.isLeader).toBe(false);

    await a.stop();
    const byAOnly = batches.length;
    await waitFor('b to take over', () => b.isLeader, 5_000);
    await waitFor(
      'b to publish 30',
      () => batches.slice(byAOnly).flatMap((x) => x.ids).length >= 30,
    );
    writing = false;
    await writer;
    await waitFor('the backlog drained', async () => (await b.backlog()) === 0);

    expect(batches.slice(0, byAOnly).every((x) => x.by === 'a')).toBe(true);
    expect(batches.slice(byAOnly).every((x) => x.by === 'b')).toBe(true);
    await waitFor('every message in Kafka', () => received.length >= seq);
    // Each order's messages arrive once each, in the order they were written.
    for (const key of ['order-0', 'order-1', 'order-2']) {
      const got = values(received.filter((m) => m.key === key)).map(Number);
      const want = Array.from({ length: seq }, (_, n) => n).filter((n) => `order-${n % 3}` === key);
      expect(got).toEqual(want);
    }
  });

  it('reconnects when its database connection is killed, and takes the lock and LISTEN back', async () => {
    const topic = await kafka.newTopic();
    const received = await kafka.collect(topic);
    const relayed = relay({ pollIntervalMs: 10_000 });
    await relayed.start();
    await scratch.db.$transaction((tx) => enqueueIn(tx, topic, 'order-1', 'before'));
    await waitFor('the first message', () => received.length === 1);

    const { rowCount } = await scratch.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'outbox-relay'`,
    );
    expect(rowCount).toBe(1);
    await waitFor('the relay to lead again', async () => {
      const { rows } = await scratch.pool.query(
        // pg_locks spans the whole server: count only this scratch database's advisory locks.
        `SELECT count(*)::int AS n FROM pg_locks
         WHERE locktype = 'advisory' AND granted
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      return rows[0].n === 1 && relayed.isLeader;
    });

    await scratch.db.$transaction((tx) => enqueueIn(tx, topic, 'order-1', 'after'));
    const committedAt = Date.now();
    await waitFor('the second message', () => received.length === 2, 5_000);
    expect(Date.now() - committedAt).toBeLessThan(3_000); // NOTIFY again, not the 10 s poll
    expect(values(received)).toEqual(['before', 'after']);
  });

  it('reports the backlog, and purges published rows past the retention only', async () => {
    const topic = await kafka.newTopic();
    const idle = relay();
    await scratch.db.$transaction(async (tx) => {
      for (const v of ['1', '2', '3']) await enqueueIn(tx, topic, 'order-1', v);
    });
    expect(await idle.backlog()).toBe(3);
    await scratch.pool.query('TRUNCATE outbox');

    await scratch.pool.query(
      `INSERT INTO outbox (id, topic, message_key, event_type, payload, headers, created_at, published_at) VALUES
       (gen_random_uuid(), $1, 'k', 't', '\\x00', '{}', now() - interval '26 hours', now() - interval '25 hours'),
       (gen_random_uuid(), $1, 'k', 't', '\\x00', '{}', now() - interval '2 hours', now() - interval '1 hour')`,
      [topic],
    );
    await relay({ pollIntervalMs: 50, purgeIntervalMs: 50 }).start();
    await waitFor('the old row purged', async () => {
      const { rows } = await scratch.pool.query('SELECT count(*)::int AS n FROM outbox');
      return rows[0].n === 1;
    });
    const { rows } = await scratch.pool.query(
      `SELECT published_at > now() - interval '2 hours' AS recent FROM outbox`,
    );
    expect(rows).toEqual([{ recent: true }]);
  });
});
