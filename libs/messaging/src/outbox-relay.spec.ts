import { OutboxRelay, type OutboxRow, toKafkaBatches } from './outbox-relay';

function row(id: string, topic: string, key: string, traceparent: string | null = null): OutboxRow {
  return {
    id,
    topic,
    message_key: key,
    payload: Buffer.from(id),
    headers: { ce_id: id, ce_type: 'x' },
    traceparent,
  };
}

describe('toKafkaBatches', () => {
  it("one message list per topic, each in row order: a key's messages keep their order", () => {
    const batches = toKafkaBatches([
      row('1', 'a', 'order-1'),
      row('2', 'a', 'order-2'),
      row('3', 'b', 'order-1'),
      row('4', 'a', 'order-1'),
      row('5', 'b', 'order-2'),
    ]);
    expect(batches.map((b) => [b.topic, b.messages.map((m) => m.value.toString())])).toEqual([
      ['a', ['1', '2', '4']],
      ['b', ['3', '5']],
    ]);
  });

  it('publishes key, payload and stored headers, plus the row traceparent', () => {
    const [batch] = toKafkaBatches([row('1', 'a', 'order-1', '00-trace-span-01')]);
    expect(batch?.messages[0]).toEqual({
      key: 'order-1',
      value: Buffer.from('1'),
      headers: { ce_id: '1', ce_type: 'x', traceparent: '00-trace-span-01' },
    });
  });

  it('publishes nothing for no rows', () => {
    expect(toKafkaBatches([])).toEqual([]);
  });
});

describe('OutboxRelay', () => {
  it('rejects a batch size below 1', () => {
    const producer = { sendBatch: async () => [] };
    expect(() => new OutboxRelay({ database: {}, producer, batchSize: 0 })).toThrow(/batchSize/);
  });

  it('is a standby until started', () => {
    const relay = new OutboxRelay({ database: {}, producer: { sendBatch: async () => [] } });
    expect(relay.isLeader).toBe(false);
  });
});
