import { EVENTS, TOPICS, encodeEvent } from '@ecommerce/contracts';
import type { SqlExecutor } from './database';
import { Outbox } from './outbox';

function recordingTx() {
  const calls: Array<{ sql: string; values: unknown[] }> = [];
  const tx: SqlExecutor = {
    $executeRawUnsafe: async (sql, ...values) => {
      calls.push({ sql, values });
      return 1;
    },
  };
  return { tx, calls };
}

const time = new Date('2026-01-02T03:04:05.678Z');

describe('Outbox', () => {
  it('inserts one row whose id is the ce_id, with the headers the relay will publish', async () => {
    const { tx, calls } = recordingTx();
    const outbox = new Outbox({ source: 'order-service', now: () => time, newId: () => 'id-1' });
    const bytes = new Uint8Array([9, 9, 1, 2, 3, 9]).subarray(2, 5); // a view into a larger buffer

    const id = await outbox.enqueue(tx, {
      topic: 'inventory.commands.v1',
      key: 'order-1',
      type: 'ecommerce.inventory.v1.ReserveInventory',
      payload: bytes,
      subject: 'order-1',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });

    expect(id).toBe('id-1');
    expect(calls).toHaveLength(1);
    expect(calls[0].sql).toMatch(
      /^INSERT INTO outbox \(id, topic, message_key, event_type, payload, headers, traceparent, created_at\)/,
    );
    const [rowId, topic, key, type, payload, headers, traceparent] = calls[0].values;
    expect([rowId, topic, key, type, traceparent]).toEqual([
      'id-1',
      'inventory.commands.v1',
      'order-1',
      'ecommerce.inventory.v1.ReserveInventory',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    ]);
    expect(payload).toEqual(Buffer.from([1, 2, 3]));
    expect(JSON.parse(headers as string)).toEqual({
      ce_id: 'id-1',
      ce_type: 'ecommerce.inventory.v1.ReserveInventory',
      ce_source: 'order-service',
      ce_time: '2026-01-02T03:04:05.678Z',
      ce_subject: 'order-1',
      ce_specversion: '1.0',
      'content-type': 'application/protobuf',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
  });

  it('enqueueAll writes several messages in one INSERT, in the order given, each with its own id', async () => {
    const { tx, calls } = recordingTx();
    let next = 0;
    const outbox = new Outbox({ source: 'order-service', now: () => time, newId: () => `id-${++next}` });
    const ids = await outbox.enqueueAll(tx, [
      { topic: 'inventory.commands.v1', key: 'order-1', type: 'A', payload: new Uint8Array([1]) },
      { topic: 'order.events.v1', key: 'order-1', type: 'B', payload: new Uint8Array([2]), traceparent: '00-x-y-01' },
    ]);
    expect(ids).toEqual(['id-1', 'id-2']);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.sql).toMatch(/VALUES \(\$1::uuid, .*clock_timestamp\(\)\), \(\$8::uuid, .*\$14, clock_timestamp\(\)\)$/);
    const values = calls[0]?.values ?? [];
    expect(values).toHaveLength(14);
    expect([values[0], values[1], values[3], values[6]]).toEqual(['id-1', 'inventory.commands.v1', 'A', null]);
    expect([values[7], values[8], values[10], values[13]]).toEqual(['id-2', 'order.events.v1', 'B', '00-x-y-01']);
    expect(JSON.parse(values[12] as string)).toMatchObject({ ce_id: 'id-2', ce_type: 'B' });
    await expect(outbox.enqueueAll(tx, [])).resolves.toEqual([]);
    expect(calls).toHaveLength(1);
  });

  it('stores no traceparent when there is none', async () => {
    const { tx, calls } = recordingTx();
    await new Outbox({ source: 's' }).enqueue(tx, {
      topic: 't',
      key: 'k',
      type: 'x',
      payload: new Uint8Array(),
    });
    expect(calls[0].values[6]).toBeNull();
    expect(JSON.parse(calls[0].values[5] as string)).not.toHaveProperty('traceparent');
  });

  it('enqueueEvent takes topic, type and encoding from the event catalog', async () => {
    const { tx, calls } = recordingTx();
    const outbox = new Outbox({ source: 'order-service', newId: () => 'id-2' });
    const confirmed = {
      orderId: 'order-1',
      userId: 'user-1',
      totalCents: 1299,
      currency: 'EUR',
      confirmedAt: '2026-01-01T00:00:00.000Z',
    };
    await outbox.enqueueEvent(tx, EVENTS.OrderConfirmed, confirmed, {
      key: 'order-1',
      subject: 'order-1',
    });
    const [, topic, key, type, payload, headers] = calls[0].values;
    expect([topic, key, type]).toEqual([
      TOPICS.orderEvents,
      'order-1',
      'ecommerce.order.v1.OrderConfirmed',
    ]);
    expect(payload).toEqual(Buffer.from(encodeEvent('OrderConfirmed', confirmed)));
    expect(JSON.parse(headers as string)).toMatchObject({ ce_subject: 'order-1', ce_id: 'id-2' });
  });

  it('gives successive messages rising ids, so one transaction publishes in write order', async () => {
    const { tx } = recordingTx();
    const outbox = new Outbox({ source: 's' });
    const ids: string[] = [];
    for (let i = 0; i < 100; i += 1) {
      ids.push(
        await outbox.enqueue(tx, { topic: 't', key: 'k', type: 'x', payload: new Uint8Array() }),
      );
    }
    expect([...ids].sort()).toEqual(ids);
  });

  it('needs a source', () => {
    expect(() => new Outbox({ source: '' })).toThrow(/source/);
  });
});
