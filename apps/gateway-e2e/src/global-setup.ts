import './register-paths';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { E2E_STATE_FILE, Stack } from '@ecommerce/testing';

/** Starts the whole platform once, as real processes on free ports, for every e2e file. */
export default async function globalSetup(): Promise<void> {
  const stack = await Stack.startOnFreePorts({
    logLevel: process.env['E2E_LOG_LEVEL'] ?? 'warn',
    env: {
      ...process.env,
      // The suite registers and logs in many users from 127.0.0.1 within a minute: the default
      // limits would refuse it. rate-limit.e2e-spec.ts proves the limits on a gateway of its own.
      RATE_LIMIT_PER_SECOND: '10000',
      RATE_LIMIT_BURST: '10000',
      AUTH_RATE_LIMIT_PER_MINUTE: '100000',
      RATE_LIMIT_PREFIX: `e2e-${Date.now()}`,
    },
  });
  mkdirSync(dirname(E2E_STATE_FILE), { recursive: true });
  writeFileSync(E2E_STATE_FILE, JSON.stringify(stack.state(), null, 2));
  process.stdout.write(`\ne2e stack up: gateway ${stack.gatewayUrl}\n`);
}
