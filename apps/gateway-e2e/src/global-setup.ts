import './register-paths';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { E2E_STATE_FILE, Stack } from '@ecommerce/testing';

/** Starts the whole platform once, as real processes on free ports, for every e2e file. */
export default async function globalSetup(): Promise<void> {
  const stack = await Stack.startOnFreePorts({ logLevel: process.env['E2E_LOG_LEVEL'] ?? 'warn' });
  mkdirSync(dirname(E2E_STATE_FILE), { recursive: true });
  writeFileSync(E2E_STATE_FILE, JSON.stringify(stack.state(), null, 2));
  process.stdout.write(`\ne2e stack up: gateway ${stack.gatewayUrl}\n`);
}
