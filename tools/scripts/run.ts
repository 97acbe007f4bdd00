import { spawn } from 'node:child_process';
import { SERVICES } from '../db/services';

/** Runs a command with inherited stdio; rejects on a non-zero exit. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

/** Runs an npm script of the root package.json. */
export const npmRun = (script: string, env?: NodeJS.ProcessEnv, ...args: string[]) =>
  run('npm', ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])], env);

const started = Date.now();

/**
 * Prints a banner line before each phase, with the time since the command started, so a long
 * log is easy to scan and shows where the minutes went.
 */
export function step(title: string): void {
  const seconds = Math.round((Date.now() - started) / 1000);
  const elapsed = `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  process.stdout.write(`\n=== ${title} (at ${elapsed})\n`);
}

/**
 * Everything a stack needs before its apps can start: the Kafka broker and topics, each
 * service's database with its migrations applied, the generated Prisma clients and the
 * built apps. Returns whether the broker was started here (so only then is it stopped).
 * `recreate` names services whose databases are dropped and made again first (empty).
 */
export async function prepareStack(
  env: NodeJS.ProcessEnv,
  { recreate = [] }: { recreate?: readonly string[] } = {},
): Promise<{ startedKafka: boolean }> {
  const { kafkaUp } = await import('../infra/kafka');
  step('kafka broker and topics');
  const kafka = await kafkaUp();
  step('databases: create, migrate');
  // db:reset drops, creates and migrates; db:migrate creates what is missing and migrates.
  if (recreate.length) await npmRun('db:reset', env, ...recreate);
  const others = SERVICES.filter((service) => !recreate.includes(service));
  if (others.length) await npmRun('db:migrate', env, ...others);
  step('generate Prisma clients');
  await npmRun('db:generate', env);
  return { startedKafka: kafka.started };
}

export async function stopKafka(): Promise<void> {
  const { kafkaDown } = await import('../infra/kafka');
  await kafkaDown();
}
