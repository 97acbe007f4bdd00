import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { APP_NAMES } from '@ecommerce/testing';
import { stack } from '@ecommerce/testing/e2e';

/** Anything shaped like an email address: `local@domain.tld`. */
const EMAIL_ADDRESS = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/** What the app wrote to its log file since this run's stack started. */
function writtenThisRun(app: (typeof APP_NAMES)[number]): string {
  const { logFile } = stack.state.apps[app];
  const from = stack.state.logOffsets?.[app] ?? 0;
  const length = statSync(logFile).size - from;
  const buffer = Buffer.alloc(Math.max(0, length));
  const fd = openSync(logFile, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, from);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8');
}

/**
 * Runs last (tools/jest/e2e-sequencer.js): by then every other file has registered, logged in,
 * ordered, been emailed and been deleted, with the logs at info. Not one line names an address.
 */
describe('privacy', () => {
  it.each(APP_NAMES)('%s wrote no email address to its log during the run', (app) => {
    const log = writtenThisRun(app);
    expect(log.length).toBeGreaterThan(0);
    const lines = log.split('\n').filter((line) => EMAIL_ADDRESS.test(line));
    EMAIL_ADDRESS.lastIndex = 0;
    expect(lines.slice(0, 5)).toEqual([]);
  });
});
