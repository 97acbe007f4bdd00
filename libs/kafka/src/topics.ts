import { type Admin, type ITopicConfig } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  /** Default: the broker's num.partitions. */
  numPartitions?: number;
  /** Default 1 (one local broker); a real cluster wants 3. */
  replicationFactor?: number;
  configEntries?: ITopicConfig['configEntries'];
}

export interface EnsureTopicsResult {
  created: string[];
  existing: string[];
}

/**
 * Creates the topics that do not exist yet and waits until each new partition has a leader, so
 * the first produce or fetch does not fail with "There is no leader for this topic-partition".
 * Safe to call again: existing topics are left as they are (their partition count is not changed).
 *
 * Only missing topics are sent: kafkajs' createTopics, given a mix of new and existing topics,
 * creates the new ones but reports TOPIC_ALREADY_EXISTS and skips waiting for their leaders.
 */
export async function ensureTopics(
  admin: Pick<Admin, 'listTopics' | 'createTopics'>,
  topics: readonly TopicSpec[],
): Promise<EnsureTopicsResult> {
  const existingNow = new Set(await admin.listTopics());
  const missing = topics.filter((spec) => !existingNow.has(spec.topic));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((spec) => ({
        topic: spec.topic,
        replicationFactor: spec.replicationFactor ?? 1,
        ...(spec.numPartitions !== undefined ? { numPartitions: spec.numPartitions } : {}),
        ...(spec.configEntries !== undefined ? { configEntries: spec.configEntries } : {}),
      })),
    });
  }
  return {
    created: missing.map((spec) => spec.topic),
    existing: topics.filter((spec) => existingNow.has(spec.topic)).map((spec) => spec.topic),
  };
}
