import type { ConsumedMessage, KafkaLogger } from '@ecommerce/kafka';
import { createMetricsRegistry } from '@ecommerce/observability';
import type { Kafka } from 'kafkajs';
import { partitionLag } from './consumer-lag';
import { messagingMetrics } from './messaging-metrics';
import type { OutboxRelay } from './outbox-relay';

const logger = (): KafkaLogger & { warn: jest.Mock } => ({ error: jest.fn(), warn: jest.fn(), info: jest.fn(), debug: jest.fn() });
const message = (topic: string): ConsumedMessage => ({
  topic,
  partition: 0,
  offset: '1',
  key: null,
  value: null,
  headers: {},
  timestamp: '0',
});

/** A kafkajs client whose admin answers from `state`; `state.hang` makes every read hang. */
function fakeKafka(state: { high: string; committed: string; hang?: boolean }) {
  const never = new Promise<never>(() => undefined);
  const admin = {
    connect: jest.fn(async () => (state.hang ? never : undefined)),
    disconnect: jest.fn(async () => undefined),
    fetchTopicOffsets: jest.fn(async () => [
      { partition: 0, high: state.high, low: '0', offset: state.high },
      { partition: 1, high: '5', low: '0', offset: '5' },
    ]),
    fetchOffsets: jest.fn(async () => [
      {
        topic: 'payment.commands.v1',
        partitions: [
          { partition: 0, offset: state.committed },
          { partition: 1, offset: '-1' },
        ],
      },
    ]),
  };
  return { kafka: { admin: () => admin } as unknown as Pick<Kafka, 'admin'>, admin };
}

async function value(registry: ReturnType<typeof createMetricsRegistry>, name: string, labels: Record<string, string> = {}) {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  return values.find((v) => Object.entries(labels).every(([key, wanted]) => v.labels[key] === wanted))?.value;
}

describe('partitionLag', () => {
  it('is the high watermark minus the committed offset, or everything retained when nothing is committed', () => {
    expect(
      partitionLag(
        [
          { partition: 0, high: '10', low: '0' },
          { partition: 1, high: '7', low: '3' },
          { partition: 2, high: '4', low: '0' },
        ],
        [
          { partition: 0, offset: '8' },
          { partition: 1, offset: '-1' },
        ],
      ),
    ).toEqual([
      { partition: 0, lag: 2 },
      { partition: 1, lag: 4 },
      { partition: 2, lag: 4 },
    ]);
  });
});

describe('messagingMetrics', () => {
  it('counts each consumed message by topic and outcome, and dead letters by their original topic', async () => {
    const registry = createMetricsRegistry('payment-service');
    const { onOutcome } = messagingMetrics(registry, {});
    onOutcome('handled', message('payment.commands.v1'));
    onOutcome('handled', message('payment.commands.v1'));
    onOutcome('duplicate', message('payment.commands.v1'));
    onOutcome('dead-lettered', message('payment.commands.v1'));
    const consumed = (outcome: string) => value(registry, 'messages_consumed_total', { topic: 'payment.commands.v1', outcome });
    expect(await consumed('handled')).toBe(2);
    expect(await consumed('duplicate')).toBe(1);
    expect(await consumed('dead-lettered')).toBe(1);
    expect(await value(registry, 'messages_dead_lettered_total', { topic: 'payment.commands.v1' })).toBe(1);
  });

  it("reads the outbox backlog from the relay at scrape time, the current relay's when it is replaced", async () => {
    const registry = createMetricsRegistry('order-service');
    let relay: Pick<OutboxRelay, 'backlog'> | undefined = { backlog: async () => 3 };
    messagingMetrics(registry, { relay: () => relay as OutboxRelay });
    expect(await value(registry, 'outbox_backlog_messages')).toBe(3);
    relay = { backlog: async () => 7 };
    expect(await value(registry, 'outbox_backlog_messages')).toBe(7);
  });

  it('reads each partition\'s lag from the broker at scrape time', async () => {
    const registry = createMetricsRegistry('payment-service');
    const { kafka, admin } = fakeKafka({ high: '10', committed: '4' });
    messagingMetrics(registry, { kafka, consumers: [{ groupId: 'payment-service', topics: ['payment.commands.v1'] }] });
    const lag = (partition: string) =>
      value(registry, 'kafka_consumer_lag', { group: 'payment-service', topic: 'payment.commands.v1', partition });
    expect(await lag('0')).toBe(6);
    expect(await lag('1')).toBe(5);
    // One admin connection per scrape, closed again.
    expect(admin.connect).toHaveBeenCalledTimes(2);
    expect(admin.disconnect).toHaveBeenCalledTimes(2);
  });

  it('keeps the last values when the broker or the database is too slow, and warns once', async () => {
    const registry = createMetricsRegistry('payment-service');
    const state = { high: '10', committed: '4', hang: false };
    const { kafka } = fakeKafka(state);
    const log = logger();
    let backlog: () => Promise<number> = async () => 2;
    messagingMetrics(registry, {
      kafka,
      consumers: [{ groupId: 'payment-service', topics: ['payment.commands.v1'] }],
      relay: { backlog: () => backlog() } as OutboxRelay,
      logger: log,
      timeoutMs: 50,
    });
    const lag = () => value(registry, 'kafka_consumer_lag', { partition: '0' });
    expect(await lag()).toBe(6);
    expect(await value(registry, 'outbox_backlog_messages')).toBe(2);

    state.hang = true;
    backlog = () => new Promise(() => undefined);
    const started = Date.now();
    const text = await registry.metrics();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(text).toContain('kafka_consumer_lag{group="payment-service",topic="payment.commands.v1",partition="0",service="payment-service"} 6');
    expect(text).toContain('outbox_backlog_messages{service="payment-service"} 2');
    await registry.metrics();
    expect(log.warn).toHaveBeenCalledTimes(2); // once for the lag, once for the backlog
  });
});

describe('dead_letters_waiting', () => {
  it('counts the waiting dead letters per topic at scrape time, 0 for a consumed topic with none', async () => {
    const registry = createMetricsRegistry('test');
    const waiting = new Map([['payment.commands.v1', 3]]);
    messagingMetrics(registry, {
      consumers: [{ groupId: 'payment-service', topics: ['payment.commands.v1', 'inventory.events.v1'] }],
      deadLetters: { waitingByTopic: async () => waiting },
      logger: logger(),
    });

    expect(await value(registry, 'dead_letters_waiting', { topic: 'payment.commands.v1' })).toBe(3);
    expect(await value(registry, 'dead_letters_waiting', { topic: 'inventory.events.v1' })).toBe(0);

    waiting.clear();
    expect(await value(registry, 'dead_letters_waiting', { topic: 'payment.commands.v1' })).toBe(0);
  });

  it('keeps its last values when the database does not answer', async () => {
    const registry = createMetricsRegistry('test');
    let fail = false;
    const log = logger();
    messagingMetrics(registry, {
      consumers: [{ groupId: 'g', topics: ['t'] }],
      deadLetters: { waitingByTopic: async () => (fail ? Promise.reject(new Error('db down')) : new Map([['t', 2]])) },
      logger: log,
    });
    expect(await value(registry, 'dead_letters_waiting', { topic: 't' })).toBe(2);

    fail = true;
    expect(await value(registry, 'dead_letters_waiting', { topic: 't' })).toBe(2);
    expect(log.warn).toHaveBeenCalledWith(expect.objectContaining({ error: 'Error: db down' }), expect.stringContaining('dead letters waiting'));
  });
});
