/**
 * `npm test`: the whole suite on a real stack, from nothing.
 *
 * Starts a Kafka broker (only if none is running), creates afresh and migrates a separate set
 * of test databases (`ecommerce_<service>_test`, so a developer's own data is never touched),
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
 * Jest runs three times: the e2e tier's global setup starts the whole platform, whose consumers
 * join the same Kafka consumer groups and use the same databases as the services the
 * integration tests start one at a time, so the tiers must not overlap; the replicas' suite
 * starts the platform again with two processes of every app, once the first one is stopped.
 */
const PHASES = [
  { title: 'unit and integration', args: ['--selectProjects', 'unit', 'integration'] },
  { title: 'e2e (the whole platform behind the gateway)', args: ['--selectProjects', 'e2e'] },
  { title: 'e2e with two replicas of every app', args: ['--selectProjects', 'e2e-replicas'] },
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
  // The test databases this run names itself start empty, as on a clean machine: what an earlier
  // run left (its rows refer to Kafka records a new broker no longer has) cannot hide a bug.
  // A database given in the environment is only migrated: it may be somebody's data.
  const recreate: string[] = [];
  for (const { database } of Object.values(BACKENDS)) {
    const variable = databaseUrlVariable(database);
    if (env[variable] !== undefined) continue;
    env[variable] = `postgresql://${env['PGUSER'] ?? 'postgres'}@${env['PGHOST'] ?? '127.0.0.1'}:${env['PGPORT'] ?? '5432'}/ecommerce_${database}_test`;
    recreate.push(database);
  }

  const { startedKafka } = await prepareStack(env, { recreate });
  try {
    step('checks: contracts, proto lint, schema drift, lint, types');
    await npmRun('contracts:check', env);
    await npmRun('proto:lint', env);
    await npmRun('db:check', env);
    await npmRun('lint', env);
    await npmRun('typecheck', env);

    step('build the apps');
    await npmRun('build', env);

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
  .finally(() => {
    step('done');
    printSummary();
  });
