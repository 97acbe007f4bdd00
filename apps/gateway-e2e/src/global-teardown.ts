import './register-paths';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { e2eStateFile, type StackState, stopStackFromState } from '@ecommerce/testing';
import type { E2eGlobals } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const globals = (globalThis as { e2e?: E2eGlobals }).e2e;
  const file = e2eStateFile();
  // The state file lists the processes tests restarted too; the stack, the ones it started.
  if (existsSync(file))
    await stopStackFromState(JSON.parse(readFileSync(file, 'utf8')) as StackState);
  rmSync(file, { force: true });
  if (globals) {
    await globals.stack.stop();
    await new Promise((resolve) => globals.mailServer.close(resolve));
    await globals.smtp.stop();
    await globals.traces.stop();
  }
}
