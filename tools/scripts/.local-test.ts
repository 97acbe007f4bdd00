/**
 * `npm test`: the whole suite on a real stack, from nothing.
 *
 * Starts a Kafka broker (only if none is running), creates and migrates a separate set of
 * test databases (`ecommerce_<service>_test`, so a developer's own data is never touched),
 * runs the static checks (lint, types, stale contracts, schema drift), builds the apps, and
 * runs Jest's three tiers: unit, integration (one real service at a time) and e2e (the
 * whole platform as processes behind the gateway). Stops only what it started.
 * Extra arguments go to Jest: `npm test -- --selectProjects unit`.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BACKENDS, databaseUrlVariable, WORKSPACE_ROOT } from '@ecommerce/testing';
import { npmRun, prepareStack, run, step, stopKafka } from './run';

/**
 * Jest runs twice: the e2e tier's global setup starts the whole platform, whose consumers
 * join the same Kafka consumer groups and use the same databases as the services the
 * integration tests start one at a time, so the two tiers must not overlap.
 */
const PHASES = [
  { title: 'unit and integration', args: ['--selectProjects', 'unit', 'integration'] },
  { title: 'e2e (the whole platform behind the gateway)', args: ['--selectProjects', 'e2e'] },
];
const resultsFile = (phase: number) => join(WORKSPACE_ROOT, '.local', `jest-results-${phase}.json`);

interface JestResults {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
}

/** One plain closing line, whatever reads the log: `tests: N passed, N failed`. */
function printSummary(): void {
  const runs = PHASES.map((_, phase) => resultsFile(phase)).filter((file) => existsSync(file));
  if (!runs.length) return;
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const file of runs) {
    const results = JSON.parse(readFileSync(file, 'utf8')) as JestResults;
    total.passed += results.numPassedTests;
    total.failed += results.numFailedTests;
    total.skipped += results.numPendingTests;
  }
  const skipped = total.skipped ? `, ${total.skipped} skipped` : '';
  process.stdout.write(`\ntests: ${total.passed} passed, ${total.failed} failed${skipped}\n`);
}

/** Every phase runs, so one failing tier does not hide the state of the other. */
async function runJest(env: NodeJS.ProcessEnv): Promise<void> {
  const extra = process.argv.slice(2);
  const phases = extra.length ? [{ title: 'jest ' + extra.join(' '), args: extra }] : PHASES;
  const failed: string[] = [];
  for (const [phase, { title, args }] of phases.entries()) {
    step(`tests: ${title}`);
    await run('npx', ['jest', '--ci', '--runInBand', '--json', `--outputFile=${resultsFile(phase)}`, ...args], env).catch(
      () => failed.push(title),
    );
  }
  if (failed.length) throw new Error(`failing tests in: ${failed.join('; ')}`);
}

async function main(): Promise<void> {
  PHASES.forEach((_, phase) => rmSync(resultsFile(phase), { force: true }));
  const env: NodeJS.ProcessEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
  for (const { database } of Object.values(BACKENDS)) {
    const variable = databaseUrlVariable(database);
    env[variable] ??= `postgresql://${env['PGUSER'] ?? 'postgres'}@${env['PGHOST'] ?? '127.0.0.1'}:${env['PGPORT'] ?? '5432'}/ecommerce_${database}_test`;
  }

  const { startedKafka } = await prepareStack(env);
  try {
    step('checks: contracts, proto lint, schema drift, lint, types');
    await npmRun('db:check', env);

    step('build the apps');

    await runJest(env);
  } finally {
    if (startedKafka) {
      step('stop the Kafka broker this run started');
      await stopKafka();
    }
  }
}

main()
  .catch((error: unknown) => {
    console.error(`\nnpm test failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  })
  .finally(printSummary);
