import { kafkaDown, kafkaStatus, kafkaUp } from './kafka';

/**
 * `npm run infra:up | infra:down | infra:status`: the local Kafka broker and the platform's topics.
 * Databases are `npm run db:create`'s job.
 */
const USAGE = 'usage: tsx tools/infra/cli.ts up|down|status';

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'up':
      await kafkaUp();
      return 0;
    case 'down':
      await kafkaDown();
      return 0;
    case 'status': {
      const status = await kafkaStatus();
      return status.reachable && (status.topics?.missing.length ?? 0) === 0 ? 0 : 1;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
