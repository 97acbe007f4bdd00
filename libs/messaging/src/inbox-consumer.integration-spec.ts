import { setTimeout as sleep } from 'node:timers/promises';
import { EVENTS, deadLetterTopic, encodeEvent } from '@ecommerce/contracts';
import { retryPolicy } from './backoff';
import { HandlerRegistry } from './handler-registry';
import { InboxConsumer, type InboxConsumerOptions, createInboxHandler } from './inbox-consumer';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';
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

/**
 * The idempotent consumer against a real Postgres (scratch database) and a real Kafka broker
 * (`npm run infra:up`, or KAFKA_BROKERS). Messages are produced straight to Kafka here, so a
 * test can send duplicates and poison on purpose.
 */

let scratch: ScratchDatabase;
let kafka: KafkaHarness;
const stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  scratch = await createScratchDatabase(
    'CREATE TABLE effects (message_id text NOT NULL, order_id text NOT NULL);',
  );
  kafka = await kafkaHarness('messaging-inbox-it');
});

afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
  await scratch.pool.query('TRUNCATE outbox, inbox, effects');
});

afterAll(async () => {
  await kafka?.close();
  await scratch?.drop();
});

const confirmed = (orderId: string) =>
  Buffer.from(
    encodeEvent('OrderConfirmed', {
      orderId,
      userId: 'user-1',
      totalCents: 1299,
      currency: 'EUR',
      confirmedAt: '2026-01-01T00:00:00.000Z',
    }),
  );

function message(id: string, orderId: string, headers: Record<string, string | undefined> = {}) {
  return {
    key: orderId,
    value: confirmed(orderId),
    headers: { ce_id: id, ce_type: EVENTS.OrderConfirmed.type, ce_subject: orderId, ...headers },
  };
}

/** The handler's effect: one row, in the handler's transaction. */
async function recordEffect(tx: PgTx, id: string, orderId: string): Promise<void> {
  await tx.$executeRawUnsafe(
    'INSERT INTO effects (message_id, order_id) VALUES ($1, $2)',
    id,
    orderId,
  );
}

async function effects(): Promise<string[]> {
  const rows = await scratch.db.$queryRawUnsafe<Array<{ order_id: string }>>(
    'SELECT order_id FROM effects ORDER BY order_id',
  );
  return rows.map((r) => r.order_id);
}

async function startConsumer(
  topic: string,
  handler: (tx: PgTx, id: string, orderId: string) => Promise<void>,
  options: Partial<InboxConsumerOptions<PgTx>> = {},
) {
  const groupId = unique('inbox');
  const logger = keptLogger();
  const consumer = new InboxConsumer({
    kafka: kafka.kafka,
    producer: kafka.producer,
    db: scratch.db,
    groupId,
    topics: [topic],
    logger,
    retry: { attempts: 3, initialDelayMs: 20 },
    ...options,
  }).on(EVENTS.OrderConfirmed, (tx, event) => handler(tx, event.id, event.payload.orderId));
  stops.push(() => consumer.stop());
  await consumer.start();
  return { consumer, groupId, logger };
}

describe('InboxConsumer', () => {
  it('has one effect for a message delivered twice', async () => {
    const topic = await kafka.newTopic();
    await kafka.producer.send(topic, [
      message('id-1', 'order-1'),
      message('id-1', 'order-1'), // the redelivery (same ce_id)
      message('id-2', 'order-2'),
    ]);
    const { groupId } = await startConsumer(topic, recordEffect);

    await waitFor(
      'all three consumed',
      async () => (await kafka.committed(groupId, topic))[0] === '3',
    );
    expect(await effects()).toEqual(['order-1', 'order-2']);
    const inbox = await scratch.db.$queryRawUnsafe<unknown[]>(
      'SELECT consumer, message_id FROM inbox ORDER BY message_id',
    );
    expect(inbox).toEqual([
      { consumer: groupId, message_id: 'id-1' },
      { consumer: groupId, message_id: 'id-2' },
    ]);
  });

  it('has one effect when two consumers handle the same message at the same time', async () => {
    const registry = new HandlerRegistry<PgTx>().on(EVENTS.OrderConfirmed, async (tx, event) => {
      await recordEffect(tx, event.id, event.payload.orderId);
      await sleep(300); // both transactions are open at once
    });
    const handle = createInboxHandler({
      db: scratch.db,
      producer: kafka.producer,
      registry,
      inboxName: 'notification-service',
      retry: retryPolicy(),
      logger: keptLogger(),
    });
    const delivered = message('id-1', 'order-1');
    const consumed = { topic: 't', partition: 0, offset: '0', timestamp: '0', ...delivered };
    const headers = delivered.headers as Record<string, string>;

    // The second INSERT INTO inbox waits on the first one's uncommitted row, then finds it.
    const outcomes = await Promise.all([
      handle({ ...consumed, headers }),
      handle({ ...consumed, headers, offset: '1' }),
    ]);
    expect(outcomes.sort()).toEqual(['duplicate', 'handled']);
    expect(await effects()).toEqual(['order-1']);
  });

  it('dead-letters a message whose handler always fails, and handles the next one on the partition', async () => {
    const topic = await kafka.newTopic();
    const dead = await kafka.collect(deadLetterTopic(topic));
    await kafka.producer.send(topic, [
      message('id-bad', 'order-bad', { traceparent: '00-trace-span-01' }),
      message('id-good', 'order-good'),
    ]);
    let attempts = 0;
    const { groupId } = await startConsumer(topic, async (tx, id, orderId) => {
      await recordEffect(tx, id, orderId); // rolled back with the failure
      if (orderId === 'order-bad') {
        attempts += 1;
        throw new Error('payment provider unreachable');
      }
    });

    await waitFor('both consumed', async () => (await kafka.committed(groupId, topic))[0] === '2');
    await waitFor('the dead letter', () => dead.length === 1);
    expect(attempts).toBe(3);
    expect(await effects()).toEqual(['order-good']);
    const [letter] = dead;
    expect(letter.key).toBe('order-bad');
    expect(letter.value).toEqual(confirmed('order-bad'));
    expect(letter.headers).toEqual({
      ce_id: 'id-bad',
      ce_type: EVENTS.OrderConfirmed.type,
      ce_subject: 'order-bad',
      traceparent: '00-trace-span-01',
      dlt_original_topic: topic,
      dlt_original_partition: '0',
      dlt_original_offset: '0',
      dlt_error: 'payment provider unreachable',
      dlt_failed_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      dlt_consumer: groupId,
    });
    const inbox = await scratch.db.$queryRawUnsafe<Array<{ message_id: string }>>(
      'SELECT message_id FROM inbox',
    );
    expect(inbox).toEqual([{ message_id: 'id-good' }]); // a replay of the dead letter will be handled
  });

  it('dead-letters an undecodable message, or one without ce_id, at once: no handler call, no retry', async () => {
    const topic = await kafka.newTopic();
    const dead = await kafka.collect(deadLetterTopic(topic));
    await kafka.producer.send(topic, [
      { ...message('id-1', 'order-1'), value: Buffer.from([0x0a, 0x7f]) },
      message('', 'order-2', { ce_id: undefined }),
      message('id-3', 'order-3'),
    ]);
    const seen: string[] = [];
    const { groupId, logger } = await startConsumer(topic, async (tx, id, orderId) => {
      seen.push(orderId);
      await recordEffect(tx, id, orderId);
    });

    await waitFor(
      'all three consumed',
      async () => (await kafka.committed(groupId, topic))[0] === '3',
    );
    await waitFor('two dead letters', () => dead.length === 2);
    expect(seen).toEqual(['order-3']);
    // Different keys are handled concurrently: the dead letters may arrive in either order.
    expect(
      dead
        .map((m) => [m.key, m.headers['dlt_original_offset'], m.headers['dlt_error']])
        .sort((x, y) => Number(x[1]) - Number(y[1])),
    ).toEqual([
      ['order-1', '0', expect.stringMatching(/OrderConfirmed: payload does not decode/)],
      ['order-2', '1', 'no ce_id header: it cannot be deduplicated'],
    ]);
    expect(logger.lines.filter((l) => l.includes('retrying'))).toEqual([]);
  });

  it('skips a type it does not know (a newer producer) without dead-lettering it', async () => {
    const topic = await kafka.newTopic();
    const dead = await kafka.collect(deadLetterTopic(topic));
    await kafka.producer.send(topic, [
      message('id-1', 'order-1', { ce_type: 'ecommerce.order.v2.OrderShipped' }),
      message('id-2', 'order-2'),
    ]);
    const { groupId, logger } = await startConsumer(topic, recordEffect);

    await waitFor('both consumed', async () => (await kafka.committed(groupId, topic))[0] === '2');
    expect(await effects()).toEqual(['order-2']);
    await sleep(300);
    expect(dead).toEqual([]);
    expect(logger.lines.some((l) => l.includes('no handler for this type'))).toBe(true);
  });

  it('commits a reply enqueued by the handler only with its effect; the relay then publishes it', async () => {
    const topic = await kafka.newTopic();
    const replies = await kafka.newTopic();
    const published = await kafka.collect(replies);
    const outbox = new Outbox({ source: 'payment-service' });
    await kafka.producer.send(topic, [message('id-1', 'order-1')]);
    let attempts = 0;
    const { groupId } = await startConsumer(topic, async (tx, id, orderId) => {
      attempts += 1;
      await recordEffect(tx, id, orderId);
      await outbox.enqueue(tx, {
        topic: replies,
        key: orderId,
        type: EVENTS.OrderConfirmed.type,
        payload: confirmed(orderId),
        subject: orderId,
      });
      if (attempts === 1) throw new Error('serialization failure'); // reply rolled back too
    });
    await waitFor('consumed', async () => (await kafka.committed(groupId, topic))[0] === '1');
    expect(attempts).toBe(2);
    expect(await effects()).toEqual(['order-1']);

    const relay = new OutboxRelay({
      database: { connectionString: scratch.url },
      producer: kafka.producer,
      logger: keptLogger(),
    });
    stops.push(() => relay.stop());
    await relay.start();
    await waitFor('the reply published', () => published.length === 1);
    await sleep(300);
    expect(published).toHaveLength(1);
    expect(published[0].headers).toMatchObject({
      ce_source: 'payment-service',
      ce_subject: 'order-1',
    });
  });

  it('stop() lets the in-flight message finish and commit, and starts no other', async () => {
    const topic = await kafka.newTopic();
    // One key: the second message waits behind the first (different keys would run together).
    await kafka.producer.send(topic, [
      message('id-1', 'order-1'),
      { ...message('id-2', 'order-2'), key: 'order-1' },
    ]);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    const { consumer, groupId } = await startConsumer(topic, async (tx, id, orderId) => {
      started = true;
      await recordEffect(tx, id, orderId);
      await gate;
    });
    await waitFor('the first message in flight', () => started);

    const stopping = consumer.stop();
    await sleep(200);
    release();
    await stopping;

    expect(await effects()).toEqual(['order-1']);
    expect(await kafka.committed(groupId, topic)).toEqual({ 0: '1' });
  });
});
