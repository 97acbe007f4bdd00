import { type Admin } from 'kafkajs';
import { ensureTopics } from './topics';

function fakeAdmin(existing: string[]) {
  const topics = new Set(existing);
  const createCalls: Parameters<Admin['createTopics']>[0][] = [];
  const admin: Pick<Admin, 'listTopics' | 'createTopics'> = {
    listTopics: async () => [...topics],
    createTopics: async (options) => {
      createCalls.push(options);
      options.topics.forEach((t) => topics.add(t.topic));
      return true;
    },
  };
  return { admin, createCalls };
}

describe('ensureTopics', () => {
  it('creates only the missing topics and waits for their leaders', async () => {
    const { admin, createCalls } = fakeAdmin(['a']);
    const result = await ensureTopics(admin, [
      { topic: 'a', numPartitions: 3 },
      { topic: 'b', numPartitions: 3 },
      { topic: 'b.dlt', numPartitions: 1 },
    ]);

    expect(result).toEqual({ created: ['b', 'b.dlt'], existing: ['a'] });
    expect(createCalls).toEqual([
      {
        waitForLeaders: true,
        topics: [
          { topic: 'b', numPartitions: 3, replicationFactor: 1 },
          { topic: 'b.dlt', numPartitions: 1, replicationFactor: 1 },
        ],
      },
    ]);
  });

  it('is idempotent: a second call creates nothing', async () => {
    const { admin, createCalls } = fakeAdmin([]);
    await ensureTopics(admin, [{ topic: 'x' }]);
    const again = await ensureTopics(admin, [{ topic: 'x' }]);
    expect(again).toEqual({ created: [], existing: ['x'] });
    expect(createCalls).toHaveLength(1);
  });
});
