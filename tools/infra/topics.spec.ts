import { ALL_TOPICS } from '@ecommerce/contracts';
import { platformTopicSpecs, platformTopics } from './topics';

describe('platformTopicSpecs', () => {
  it('gives each topic its partitions and a one-partition dead-letter topic', () => {
    expect(platformTopicSpecs(['order.events.v1'], 3)).toEqual([
      { topic: 'order.events.v1', numPartitions: 3 },
      { topic: 'order.events.v1.dlt', numPartitions: 1 },
    ]);
  });

  it('does not double a dead-letter topic that the list already names', () => {
    const specs = platformTopicSpecs(['a', 'a.dlt', 'b.dlt'], 2);
    expect(specs).toEqual([
      { topic: 'a', numPartitions: 2 },
      { topic: 'a.dlt', numPartitions: 1 },
      { topic: 'b.dlt', numPartitions: 1 },
    ]);
  });

  it('covers every topic of @ecommerce/contracts', () => {
    const names = platformTopics(3).map((s) => s.topic);
    expect(ALL_TOPICS.length).toBeGreaterThan(0);
    for (const topic of ALL_TOPICS)
      expect(names).toEqual(expect.arrayContaining([topic, `${topic}.dlt`]));
  });
});
