import './register-paths';
import { readFileSync, rmSync } from 'node:fs';
import { E2E_STATE_FILE, type StackState, stopStackFromState } from '@ecommerce/testing';

export default async function globalTeardown(): Promise<void> {
  const state = JSON.parse(readFileSync(E2E_STATE_FILE, 'utf8')) as StackState;
  await stopStackFromState(state);
  rmSync(E2E_STATE_FILE, { force: true });
}
