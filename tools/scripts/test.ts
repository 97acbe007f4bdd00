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

const RESULTS = join(WORKSPACE_ROOT, '.local', 'jest-results.json');

/** One plain closing line, whatever reads the log: `tests: N passed, N failed`. */
function printSummary(): void {
  if (!existsSync(RESULTS)) return;
  const results = JSON.parse(readFileSync(RESULTS, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
  };
  const skipped = results.numPendingTests ? `, ${results.numPendingTests} skipped` : '';
  process.stdout.write(`\ntests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped}\n`);
}

async function main(): Promise<void> {
  rmSync(RESULTS, { force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
  for (const { database } of Object.values(BACKENDS)) {
    const variable = databaseUrlVariable(database);
    env[variable] ??= `postgresql://${env['PGUSER'] ?? 'postgres'}@${env['PGHOST'] ?? '127.0.0.1'}:${env['PGPORT'] ?? '5432'}/ecommerce_${database}_test`;
  }

  const { startedKafka } = await prepareStack(env);
  try {
    step('checks: contracts, proto lint, schema drift, lint, types');
    await npmRun('contracts:check', env);
    await npmRun('proto:lint', env);
    await npmRun('db:check', env);
    await npmRun('lint', env);
    await npmRun('typecheck', env);

    step('build the apps');
    await npmRun('build', env);

    step('tests: unit, integration, e2e');
    await run('npx', ['jest', '--ci', '--runInBand', '--json', `--outputFile=${RESULTS}`, ...process.argv.slice(2)], env);
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
