import type { Admin } from 'kafkajs';

/** A consumer group and the topics it reads. */
export interface ConsumerGroupTopics {
  groupId: string;
  topics: readonly string[];
}

export interface PartitionLag {
  group: string;
  topic: string;
  partition: number;
  /** Messages on the partition the group has not committed yet. */
  lag: number;
}

type Offsets = ReadonlyArray<{ partition: number; offset: string }>;

/**
 * A partition's lag: its high watermark minus the group's committed offset. A group that has
 * committed nothing there yet (offset -1) lags by everything still retained (high − low).
 */
export function partitionLag(
  watermarks: ReadonlyArray<{ partition: number; high: string; low: string }>,
  committed: Offsets,
): Array<{ partition: number; lag: number }> {
  const byPartition = new Map(committed.map((entry) => [entry.partition, Number(entry.offset)]));
  return watermarks.map(({ partition, high, low }) => {
    const offset = byPartition.get(partition) ?? -1;
    const from = offset >= 0 ? offset : Number(low);
    return { partition, lag: Math.max(Number(high) - from, 0) };
  });
}

/** Every partition's lag for each group, read through a connected kafkajs admin client. */
export async function readConsumerLag(
  admin: Pick<Admin, 'fetchTopicOffsets' | 'fetchOffsets'>,
  groups: readonly ConsumerGroupTopics[],
): Promise<PartitionLag[]> {
  const lags: PartitionLag[] = [];
  for (const { groupId, topics } of groups) {
    const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
    for (const topic of topics) {
      const watermarks = await admin.fetchTopicOffsets(topic);
      const offsets = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
      for (const { partition, lag } of partitionLag(watermarks, offsets)) {
        lags.push({ group: groupId, topic, partition, lag });
      }
    }
  }
  return lags;
}
