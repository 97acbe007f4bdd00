import { isMainThread } from 'node:worker_threads';
import { metricValue, scrape } from '../metrics/prometheus';
import { waitFor } from '../stack/processes';
import { type AppName, BACKEND_NAMES, HOST } from '../stack/stack';
import { stack } from './api';

/** Where the app serves Prometheus text: the gateway on its HTTP port, a backend on METRICS_PORT. */
export function metricsUrl(app: AppName): string {
  if (app === 'gateway') return `${stack.gatewayUrl}/metrics`;
  const port = stack.state.apps[app].env['METRICS_PORT'];
  if (!port) throw new Error(`${app} has no METRICS_PORT in the e2e stack's env`);
  return `http://${HOST}:${port}/metrics`;
}

export const scrapeApp = (app: AppName) => scrape(metricsUrl(app));

/**
 * Whether this file runs alone: Jest runs test files side by side in worker processes (or
 * threads), except in band (`--runInBand`, as `npm test` runs them, or a single worker), when
 * each file runs in turn in Jest's own process. Only then can no other file place orders while
 * a test counts them. A worker process is jest-worker's `processChild.js`.
 */
export function runsInBand(): boolean {
  return isMainThread && !/jest-worker/.test(process.argv[1] ?? '');
}

/**
 * Waits (at most `timeoutMs`) until no saga is under way anywhere in the stack: every outbox
 * empty, every consumer group caught up, and the saga outcome counter unchanged across two
 * scrapes. Orders an earlier test file placed and did not wait for end first, so they are
 * not counted as this file's. Resolves whether the stack was quiet.
 */
export async function sagasQuiet(timeoutMs = 10_000): Promise<boolean> {
  let lastOutcomes = -1;
  return waitFor(
    'no saga under way',
    async () => {
      const expositions = await Promise.all(BACKEND_NAMES.map(scrapeApp));
      const inFlight = expositions.reduce(
        (sum, text) =>
          sum +
          metricValue(text, 'outbox_backlog_messages') +
          metricValue(text, 'kafka_consumer_lag'),
        0,
      );
      const order = expositions[BACKEND_NAMES.indexOf('order-service')] ?? '';
      const outcomes = metricValue(order, 'saga_outcomes_total');
      const quiet = inFlight === 0 && outcomes === lastOutcomes;
      lastOutcomes = outcomes;
      return quiet;
    },
    timeoutMs,
    300,
  ).then(
    () => true,
    () => false,
  );
}
