import { createMetricsRegistry } from '@ecommerce/observability';
import { messagingMetrics } from './messaging-metrics';
import { type KafkaHarness, kafkaHarness, unique } from '@ecommerce/testing';

/** kafka_consumer_lag against the real broker: its watermarks and a group's committed offsets. */
describe('messagingMetrics on a real broker', () => {
  let kafka: KafkaHarness;

  beforeAll(async () => {
    kafka = await kafkaHarness('messaging-metrics-it');
  });

  afterAll(() => kafka?.close());

  it('reports each group\'s lag per partition at scrape time', async () => {
    const topic = await kafka.newTopic();
    await kafka.producer.send(
      topic,
      [1, 2, 3, 4, 5].map((n) => ({ key: 'k', value: Buffer.from(String(n)), headers: {} })),
    );
    const behind = unique('lagging');
    const fresh = unique('fresh');
    await kafka.admin.setOffsets({ groupId: behind, topic, partitions: [{ partition: 0, offset: '2' }] });

    const registry = createMetricsRegistry('test-service');
    messagingMetrics(registry, {
      kafka: kafka.kafka,
      consumers: [
        { groupId: behind, topics: [topic] },
        { groupId: fresh, topics: [topic] },
      ],
      logger: kafka.logger,
    });
    // One scrape: every series as the gauge's collect() read them from the broker.
    const scrape = async () => {
      const { values } = (await registry.getSingleMetric('kafka_consumer_lag')?.get()) ?? { values: [] };
      return (group: string) =>
        values.find((v) => v.labels['group'] === group && v.labels['topic'] === topic && v.labels['partition'] === '0')
          ?.value;
    };

    let lag = await scrape();
    expect(lag(behind)).toBe(3);
    expect(lag(fresh)).toBe(5); // nothing committed: everything retained

    await kafka.admin.setOffsets({ groupId: behind, topic, partitions: [{ partition: 0, offset: '5' }] });
    lag = await scrape();
    expect(lag(behind)).toBe(0);
  });
});
