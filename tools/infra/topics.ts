import { ALL_TOPICS, DEAD_LETTER_SUFFIX, deadLetterTopic } from '@ecommerce/contracts';
import {
  createKafka,
  ensureTopics,
  type EnsureTopicsResult,
  type TopicSpec,
} from '@ecommerce/kafka';
import { logLevel } from 'kafkajs';

/**
 * Every platform topic with `partitions` partitions, plus its dead-letter topic with one
 * (a dead-letter topic is read by people and tools, not by keyed consumers).
 */
export function platformTopicSpecs(topics: readonly string[], partitions: number): TopicSpec[] {
  const specs = new Map<string, TopicSpec>();
  for (const topic of topics) {
    const isDeadLetter = topic.endsWith(DEAD_LETTER_SUFFIX);
    if (!isDeadLetter) specs.set(topic, { topic, numPartitions: partitions });
    const dlt = isDeadLetter ? topic : deadLetterTopic(topic);
    specs.set(dlt, { topic: dlt, numPartitions: 1 });
  }
  return [...specs.values()];
}

/** The platform's topics from @ecommerce/contracts. */
export function platformTopics(partitions: number): TopicSpec[] {
  return platformTopicSpecs(ALL_TOPICS, partitions);
}

/** Creates the missing platform topics on `broker`, waiting for their partition leaders. */
export async function createPlatformTopics(
  broker: string,
  partitions: number,
): Promise<EnsureTopicsResult> {
  const admin = createKafka({
    clientId: 'infra-topics',
    brokers: [broker],
    logLevel: logLevel.WARN,
  }).admin();
  await admin.connect();
  try {
    return await ensureTopics(admin, platformTopics(partitions));
  } finally {
    await admin.disconnect();
  }
}

/** Which platform topics exist on `broker` and which are missing. */
export async function platformTopicsStatus(
  broker: string,
  partitions: number,
): Promise<{ present: string[]; missing: string[] }> {
  const admin = createKafka({
    clientId: 'infra-status',
    brokers: [broker],
    logLevel: logLevel.WARN,
  }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = platformTopics(partitions).map((spec) => spec.topic);
    return {
      present: wanted.filter((t) => existing.has(t)),
      missing: wanted.filter((t) => !existing.has(t)),
    };
  } finally {
    await admin.disconnect();
  }
}
