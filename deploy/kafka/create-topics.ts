import { readKafkaInfraConfig } from '../../tools/infra/config';
import { createPlatformTopics } from '../../tools/infra/topics';

/**
 * The compose `kafka-init` job: creates the platform's topics and their dead-letter topics on
 * the broker in KAFKA_BROKERS (KAFKA_PARTITIONS each, default 3), waits for their leaders, and
 * exits. Same topics, same code as `npm run infra:up` (tools/infra/topics.ts), but it never
 * tries to start a broker: in compose the broker is a container of its own.
 *
 *   KAFKA_BROKERS=kafka:9092 npx tsx deploy/kafka/create-topics.ts
 */
async function main(): Promise<void> {
  const broker = process.env['KAFKA_BROKERS']?.split(',')[0]?.trim();
  if (!broker) throw new Error('KAFKA_BROKERS is required, e.g. kafka:9092');
  const { partitions } = readKafkaInfraConfig(process.env);
  const { created, existing } = await createPlatformTopics(broker, partitions);
  console.log(
    `kafka-init: ${broker}: created ${created.length} topic(s)` +
      `${created.length > 0 ? ` (${created.join(', ')})` : ''}, ${existing.length} already existed`,
  );
}

main().catch((error: unknown) => {
  console.error(`kafka-init: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
