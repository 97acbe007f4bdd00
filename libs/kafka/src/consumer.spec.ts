import {
  type Consumer,
  type ConsumerConfig,
  type ConsumerRunConfig,
  type EachBatchPayload,
  type Kafka,
  type KafkaMessage,
} from 'kafkajs';
import { type ConsumedMessage, createConsumer, nextOffset } from './consumer';
import { toKafkaHeaders } from './headers';

/** Records what the wrapper asks of kafkajs, in order. */
class FakeConsumer {
  readonly calls: string[] = [];
  readonly commits: Array<{ topic: string; partition: number; offset: string }> = [];
  subscribed?: { topics: string[]; fromBeginning?: boolean };
  runConfig?: ConsumerRunConfig;

  async connect() {
    this.calls.push('connect');
  }
  async subscribe(subscription: { topics: string[]; fromBeginning?: boolean }) {
    this.subscribed = subscription;
  }
  async run(config: ConsumerRunConfig) {
    this.runConfig = config;
  }
  async commitOffsets(offsets: Array<{ topic: string; partition: number; offset: string }>) {
    this.calls.push(`commit ${offsets.map((o) => `${o.partition}@${o.offset}`).join(',')}`);
    this.commits.push(...offsets);
  }
  pause(topics: Array<{ topic: string }>) {
    this.calls.push(`pause ${topics.map((t) => t.topic).join(',')}`);
  }
  async stop() {
    this.calls.push('stop');
  }
  async disconnect() {
    this.calls.push('disconnect');
  }

  readonly resolved: string[] = [];

  /** What kafkajs does with one fetched batch of a partition: `[offset, key]` pairs. */
  deliverBatch(messages: Array<[offset: string, key: string]>, partition = 0): Promise<void> {
    const payload = {
      batch: {
        topic: 't',
        partition,
        messages: messages.map(
          ([offset, key]): KafkaMessage => ({
            offset,
            key: Buffer.from(key),
            value: Buffer.from(`v${offset}`),
            headers: toKafkaHeaders({ ce_id: `id-${offset}` }),
            timestamp: '1700000000000',
            attributes: 0,
          }),
        ),
      },
      resolveOffset: (offset: string) => void this.resolved.push(offset),
      heartbeat: async () => undefined,
      isRunning: () => true,
      isStale: () => false,
    } as unknown as EachBatchPayload;
    if (!this.runConfig?.eachBatch) throw new Error('run() was not called');
    return this.runConfig.eachBatch(payload);
  }

  deliver(offset: string, key = 'order-1', partition = 0): Promise<void> {
    return this.deliverBatch([[offset, key]], partition);
  }
}

function setup(
  handler: (m: ConsumedMessage) => Promise<void>,
  extra: Partial<Parameters<typeof createConsumer>[1]> = {},
) {
  const fake = new FakeConsumer();
  const configs: ConsumerConfig[] = [];
  const kafka: Pick<Kafka, 'consumer'> = {
    consumer: (config: ConsumerConfig) => {
      configs.push(config);
      return fake as unknown as Consumer;
    },
  };
  const consumer = createConsumer(kafka, { groupId: 'g', topics: ['t'], handler, ...extra });
  return { fake, consumer, configs };
}

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('KafkaConsumer', () => {
  it('runs with autoCommit and auto-resolve off, one partition at a time, a 1 s idle fetch wait, from the beginning', async () => {
    const { fake, consumer, configs } = setup(async () => undefined);
    await consumer.start();
    expect(configs[0]).toMatchObject({ groupId: 'g', maxWaitTimeInMs: 1000 });
    expect(fake.runConfig).toMatchObject({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
    });
    expect(fake.subscribed).toEqual({ topics: ['t'], fromBeginning: true });
  });

  it('passes partitionsConsumedConcurrently and maxWaitTimeInMs through', async () => {
    const { fake, consumer, configs } = setup(async () => undefined, {
      partitionsConsumedConcurrently: 3,
      maxWaitTimeInMs: 150,
    });
    await consumer.start();
    expect(configs[0].maxWaitTimeInMs).toBe(150);
    expect(fake.runConfig?.partitionsConsumedConcurrently).toBe(3);
  });

  it('hands the handler a decoded message and commits offset+1 only after it resolved', async () => {
    const gate = deferred();
    const seen: ConsumedMessage[] = [];
    const { fake, consumer } = setup(async (m) => {
      seen.push(m);
      await gate.promise;
    });
    await consumer.start();

    const delivery = fake.deliver('41', 'order-7', 2);
    await new Promise((r) => setImmediate(r));
    expect(seen).toHaveLength(1);
    expect(fake.commits).toEqual([]); // handler still running: nothing committed

    gate.resolve();
    await delivery;
    expect(fake.commits).toEqual([{ topic: 't', partition: 2, offset: '42' }]);
    expect(seen[0]).toEqual({
      topic: 't',
      partition: 2,
      offset: '41',
      key: 'order-7',
      value: Buffer.from('v41'),
      headers: { ce_id: 'id-41' },
      timestamp: '1700000000000',
    });
  });

  it('commits nothing when the handler fails, and lets kafkajs see the error (so it redelivers)', async () => {
    const { fake, consumer } = setup(async () => {
      throw new Error('database down');
    });
    await consumer.start();
    await expect(fake.deliver('5')).rejects.toThrow('database down');
    expect(fake.commits).toEqual([]);
    expect(fake.resolved).toEqual([]);
  });

  it('commits a batch once, after every message of it was handled', async () => {
    const seen: string[] = [];
    const { fake, consumer } = setup(async (m) => void seen.push(m.offset));
    await consumer.start();
    await fake.deliverBatch([
      ['10', 'a'],
      ['11', 'b'],
      ['12', 'a'],
    ]);
    expect([...seen].sort()).toEqual(['10', '11', '12']);
    expect(fake.calls).toEqual(['connect', 'commit 0@13']);
    expect(fake.resolved).toEqual(['12']);
  });

  it('handles different keys at the same time and one key strictly in offset order', async () => {
    const gates = new Map([['10', deferred()]]);
    const started: string[] = [];
    const { fake, consumer } = setup(async (m) => {
      started.push(`${m.key}@${m.offset}`);
      await gates.get(m.offset)?.promise;
    });
    await consumer.start();
    const delivery = fake.deliverBatch([
      ['10', 'a'],
      ['11', 'b'],
      ['12', 'a'],
      ['13', 'c'],
    ]);
    await new Promise((r) => setImmediate(r));
    // a@10 is still running: b and c went ahead, a@12 waits behind a@10, nothing is committed
    expect(started).toEqual(['a@10', 'b@11', 'c@13']);
    expect(fake.commits).toEqual([]);
    gates.get('10')?.resolve();
    await delivery;
    expect(started).toEqual(['a@10', 'b@11', 'c@13', 'a@12']);
    expect(fake.commits).toEqual([{ topic: 't', partition: 0, offset: '14' }]);
  });

  it('with keyConcurrency 1 handles a batch one message at a time, in offset order', async () => {
    const gate = deferred();
    const started: string[] = [];
    const { fake, consumer } = setup(
      async (m) => {
        started.push(m.offset);
        if (m.offset === '0') await gate.promise;
      },
      { keyConcurrency: 1 },
    );
    await consumer.start();
    const delivery = fake.deliverBatch([
      ['0', 'a'],
      ['1', 'b'],
    ]);
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['0']);
    gate.resolve();
    await delivery;
    expect(started).toEqual(['0', '1']);
  });

  it('on a failure commits up to the first unhandled message, so it and what followed come again', async () => {
    const seen: string[] = [];
    const { fake, consumer } = setup(async (m) => {
      if (m.offset === '21') throw new Error('database down');
      seen.push(m.offset);
    });
    await consumer.start();
    const delivery = fake.deliverBatch([
      ['20', 'a'],
      ['21', 'b'],
      ['22', 'c'],
    ]);
    await expect(delivery).rejects.toThrow('database down');
    expect(seen).toEqual(['20', '22']); // c was handled too, and will be again (idempotent handler)
    expect(fake.commits).toEqual([{ topic: 't', partition: 0, offset: '21' }]);
    expect(fake.resolved).toEqual(['20']);
  });

  it('stop() lets the in-flight message finish and commit before kafkajs stops and leaves the group', async () => {
    const gate = deferred();
    const handled: string[] = [];
    const { fake, consumer } = setup(async (m) => {
      handled.push(m.offset);
      if (m.offset === '0') await gate.promise;
    });
    await consumer.start();

    const inFlight = fake.deliver('0');
    await new Promise((r) => setImmediate(r));
    const stopping = consumer.disconnect();
    await new Promise((r) => setImmediate(r));
    expect(fake.calls).toEqual(['connect', 'pause t']); // waiting for the in-flight message

    // A message from a batch fetched before stop() is not handled (and so not committed).
    await fake.deliver('1');
    gate.resolve();
    await inFlight;
    await stopping;

    expect(handled).toEqual(['0']);
    expect(fake.calls).toEqual(['connect', 'pause t', 'commit 0@1', 'stop', 'disconnect']);
  });

  describe('commit interval', () => {
    beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
    afterEach(() => jest.useRealTimers());

    it('commits the first batch at once, then gathers every partition into one commit per interval', async () => {
      const { fake, consumer } = setup(async () => undefined);
      await consumer.start();
      await fake.deliver('0', 'a', 0);
      expect(fake.calls).toEqual(['connect', 'commit 0@1']);

      await jest.advanceTimersByTimeAsync(400);
      await fake.deliver('1', 'a', 0);
      await fake.deliver('7', 'b', 1);
      await fake.deliver('2', 'a', 0);
      expect(fake.calls).toEqual(['connect', 'commit 0@1']); // waiting for the interval

      await jest.advanceTimersByTimeAsync(599);
      expect(fake.calls).toHaveLength(2);
      await jest.advanceTimersByTimeAsync(1);
      expect(fake.calls).toEqual(['connect', 'commit 0@1', 'commit 0@3,1@8']);

      // Past the interval, a batch commits at once again.
      await jest.advanceTimersByTimeAsync(1_000);
      await fake.deliver('3', 'a', 0);
      expect(fake.calls.at(-1)).toBe('commit 0@4');
    });

    it('stop() commits what waits for the interval before kafkajs stops', async () => {
      const { fake, consumer } = setup(async () => undefined);
      await consumer.start();
      await fake.deliver('0');
      await fake.deliver('1');
      await consumer.disconnect();
      expect(fake.calls).toEqual([
        'connect',
        'commit 0@1',
        'pause t',
        'commit 0@2',
        'stop',
        'disconnect',
      ]);
    });

    it('a failure commits the handled offsets at once, so only the failed message comes again', async () => {
      const { fake, consumer } = setup(async (m) => {
        if (m.offset === '2') throw new Error('database down');
      });
      await consumer.start();
      await fake.deliver('0');
      await expect(
        fake.deliverBatch([
          ['1', 'a'],
          ['2', 'a'],
        ]),
      ).rejects.toThrow('database down');
      expect(fake.calls).toEqual(['connect', 'commit 0@1', 'commit 0@2']);
    });

    it('with commitIntervalMs 0 commits every batch', async () => {
      const { fake, consumer } = setup(async () => undefined, { commitIntervalMs: 0 });
      await consumer.start();
      await fake.deliver('0');
      await fake.deliver('1');
      expect(fake.calls).toEqual(['connect', 'commit 0@1', 'commit 0@2']);
    });
  });
});

describe('nextOffset', () => {
  it('adds one without losing precision beyond 2^53', () => {
    expect(nextOffset('0')).toBe('1');
    expect(nextOffset('9007199254740993')).toBe('9007199254740994');
  });
});
