import { EVENTS, encodeEvent } from '@ecommerce/contracts';
import type { ConsumedMessage, KafkaLogger, OutgoingMessage } from '@ecommerce/kafka';
import { retryPolicy } from './backoff';
import type { SqlExecutor, TransactionRunner } from './database';
import { PoisonMessageError } from './envelope';
import { HandlerRegistry } from './handler-registry';
import { InboxConsumer, createInboxHandler } from './inbox-consumer';

/**
 * An in-memory database with transactions: the inbox rows and the "effects" a handler writes
 * become visible only when its transaction commits, as in Postgres.
 */
class FakeDatabase implements TransactionRunner<FakeTx> {
  readonly inbox = new Set<string>();
  readonly effects: string[] = [];
  transactions = 0;
  failInboxInsert?: Error;

  async $transaction<R>(fn: (tx: FakeTx) => Promise<R>): Promise<R> {
    this.transactions += 1;
    const tx = new FakeTx(this);
    const result = await fn(tx); // a throw discards tx's staged writes: a rollback
    tx.staged.inbox.forEach((row) => this.inbox.add(row));
    this.effects.push(...tx.staged.effects);
    return result;
  }
}

class FakeTx implements SqlExecutor {
  readonly staged = { inbox: [] as string[], effects: [] as string[] };
  constructor(private readonly db: FakeDatabase) {}

  async $executeRawUnsafe(sql: string, ...values: unknown[]): Promise<number> {
    if (!sql.startsWith('INSERT INTO inbox')) throw new Error(`unexpected SQL ${sql}`);
    if (this.db.failInboxInsert) throw this.db.failInboxInsert;
    const row = `${values[0]}/${values[1]}`;
    if (this.db.inbox.has(row) || this.staged.inbox.includes(row)) return 0;
    this.staged.inbox.push(row);
    return 1;
  }

  effect(what: string): void {
    this.staged.effects.push(what);
  }
}

const silent: KafkaLogger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

const confirmed = {
  orderId: 'order-1',
  userId: 'user-1',
  totalCents: 1299,
  currency: 'EUR',
  confirmedAt: '2026-01-01T00:00:00.000Z',
};

function message(overrides: Partial<ConsumedMessage> = {}): ConsumedMessage {
  return {
    topic: 'order.events.v1',
    partition: 1,
    offset: '17',
    key: 'order-1',
    value: Buffer.from(encodeEvent('OrderConfirmed', confirmed)),
    headers: { ce_id: 'msg-1', ce_type: EVENTS.OrderConfirmed.type, ce_subject: 'order-1' },
    timestamp: '0',
    ...overrides,
  };
}

function setup(handler: (tx: FakeTx, orderId: string) => Promise<void>, attempts = 3) {
  const db = new FakeDatabase();
  const sent: Array<{ topic: string; messages: readonly OutgoingMessage[] }> = [];
  const producer = {
    send: jest.fn(async (topic: string, messages: readonly OutgoingMessage[]) => {
      sent.push({ topic, messages });
      return [];
    }),
  };
  const registry = new HandlerRegistry<FakeTx>()
    .on(EVENTS.OrderConfirmed, (tx, event) => handler(tx, event.payload.orderId))
    .ignore(EVENTS.OrderCreated);
  const handle = createInboxHandler({
    db,
    producer,
    registry,
    inboxName: 'notification-service',
    retry: retryPolicy({ attempts, initialDelayMs: 1, maxDelayMs: 4 }),
    logger: silent,
  });
  return { db, sent, producer, handle };
}

describe('the inbox handler', () => {
  it('runs the handler and records the message in one transaction', async () => {
    const { db, handle, sent } = setup(async (tx, orderId) => tx.effect(`email ${orderId}`));
    await expect(handle(message())).resolves.toBe('handled');
    expect(db.effects).toEqual(['email order-1']);
    expect(db.inbox).toEqual(new Set(['notification-service/msg-1']));
    expect(sent).toEqual([]);
  });

  it('skips a redelivered message: one effect however often it arrives', async () => {
    const { db, handle } = setup(async (tx, orderId) => tx.effect(`email ${orderId}`));
    const outcomes = [
      await handle(message()),
      await handle(message({ offset: '18' })),
      await handle(message()),
    ];
    expect(outcomes).toEqual(['handled', 'duplicate', 'duplicate']);
    expect(db.effects).toEqual(['email order-1']);
  });

  it('retries a failing handler with nothing of the failed attempts kept', async () => {
    let calls = 0;
    const { db, handle, sent } = setup(async (tx) => {
      calls += 1;
      tx.effect(`attempt ${calls}`);
      if (calls < 3) throw new Error('deadlock detected');
    });
    await expect(handle(message())).resolves.toBe('handled');
    expect(calls).toBe(3);
    expect(db.effects).toEqual(['attempt 3']);
    expect(sent).toEqual([]);
  });

  it('dead-letters after the last attempt, with the DLT headers, and records nothing', async () => {
    let calls = 0;
    const { db, handle, sent } = setup(async () => {
      calls += 1;
      throw new Error(`card processor down (${calls})`);
    }, 4);
    await expect(handle(message())).resolves.toBe('dead-lettered');
    expect(calls).toBe(4);
    expect(db.inbox.size).toBe(0);
    expect(sent).toHaveLength(1);
    expect(sent[0].topic).toBe('order.events.v1.dlt');
    const [letter] = sent[0].messages;
    expect(letter.key).toBe('order-1');
    expect(letter.value).toEqual(message().value);
    expect(letter.headers).toMatchObject({
      ce_id: 'msg-1',
      ce_type: EVENTS.OrderConfirmed.type,
      dlt_original_topic: 'order.events.v1',
      dlt_original_partition: '1',
      dlt_original_offset: '17',
      dlt_error: 'card processor down (4)',
      dlt_consumer: 'notification-service',
    });
    expect(Date.parse(letter.headers?.['dlt_failed_at'] ?? '')).not.toBeNaN();
  });

  it('dead-letters at once when the handler says retrying cannot help', async () => {
    let calls = 0;
    const { handle, sent } = setup(async () => {
      calls += 1;
      throw new PoisonMessageError('order-1 does not exist here');
    });
    await expect(handle(message())).resolves.toBe('dead-lettered');
    expect(calls).toBe(1);
    expect(sent[0].messages[0].headers?.['dlt_error']).toBe('order-1 does not exist here');
  });

  it.each([
    ['without ce_id', message({ headers: { ce_type: EVENTS.OrderConfirmed.type } }), /no ce_id/],
    ['without ce_type', message({ headers: { ce_id: 'msg-1' } }), /no ce_type/],
    [
      'whose payload does not decode',
      message({ value: Buffer.from([0x0a, 0x7f]) }),
      /does not decode/,
    ],
    ['without payload', message({ value: null }), /no payload/],
  ])('dead-letters a message %s at once, without a transaction', async (_, poison, error) => {
    const handler = jest.fn(async () => undefined);
    const { db, handle, sent } = setup(handler);
    await expect(handle(poison)).resolves.toBe('dead-lettered');
    expect(handler).not.toHaveBeenCalled();
    expect(db.transactions).toBe(0);
    expect(sent[0].topic).toBe('order.events.v1.dlt');
    expect(sent[0].messages[0].headers?.['dlt_error']).toMatch(error);
  });

  it('skips a type it has no handler for (a newer producer): no DLT, no inbox row', async () => {
    const handler = jest.fn(async () => undefined);
    const { db, handle, sent } = setup(handler);
    const newer = message({
      headers: { ce_id: 'msg-9', ce_type: 'ecommerce.order.v2.OrderShipped' },
    });
    await expect(handle(newer)).resolves.toBe('unknown-type');
    expect(handler).not.toHaveBeenCalled();
    expect(sent).toEqual([]);
    expect(db.inbox.size).toBe(0);
  });

  it('passes over a type it ignores: no transaction, no inbox row, not decoded, no DLT', async () => {
    const handler = jest.fn(async () => undefined);
    const { db, handle, sent } = setup(handler);
    const created = message({
      headers: { ce_id: 'msg-3', ce_type: EVENTS.OrderCreated.type },
      value: Buffer.from('not protobuf'),
    });
    await expect(handle(created)).resolves.toBe('ignored');
    expect(handler).not.toHaveBeenCalled();
    expect(db.transactions).toBe(0);
    expect(db.inbox.size).toBe(0);
    expect(sent).toEqual([]);
  });

  it('does not blame the message when the database refuses the inbox row: rejects, so it is redelivered', async () => {
    const handler = jest.fn(async () => undefined);
    const { db, handle, sent } = setup(handler);
    db.failInboxInsert = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    await expect(handle(message())).rejects.toThrow('ECONNREFUSED');
    expect(handler).not.toHaveBeenCalled();
    expect(sent).toEqual([]);
  });

  it('rejects when the dead-letter topic cannot be written, so the offset is not committed', async () => {
    const { handle, producer } = setup(async () => {
      throw new Error('always');
    }, 1);
    producer.send.mockRejectedValueOnce(new Error('broker down'));
    await expect(handle(message())).rejects.toThrow('broker down');
  });
});

describe('InboxConsumer', () => {
  it('refuses to start without handlers', async () => {
    const consumer = new InboxConsumer({
      kafka: { consumer: () => ({}) as never },
      producer: { send: async () => [] },
      db: new FakeDatabase(),
      groupId: 'g',
      topics: ['t'],
    });
    await expect(consumer.start()).rejects.toThrow(/no handlers registered/);
  });
});
