import type { Config } from 'jest';
import { pathsToModuleNameMapper } from 'ts-jest';
import { compilerOptions } from './tsconfig.base.json';

/**
 * Three tiers, one config: `npx jest --selectProjects unit|integration|e2e|e2e-replicas`.
 * - unit: `*.spec.ts` beside the code, fakes allowed, no I/O.
 * - integration: `*.integration-spec.ts`, a real Postgres and Kafka, one service at a time.
 * - e2e: the whole system as real processes, driven through the gateway with supertest;
 *   e2e-replicas: the same with two processes of every app.
 * Type checking is `npm run typecheck`'s job, so ts-jest only transpiles here.
 */
const common: Config = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

const config: Config = {
  // Jest's usual order, but the e2e privacy check last (it reads what the other files logged).
  testSequencer: '<rootDir>/tools/jest/e2e-sequencer.js',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools,deploy}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tools,deploy}/**/*.integration-spec.ts'],
      slowTestThreshold: 30,
      setupFilesAfterEnv: ['<rootDir>/tools/jest/integration.setup.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/apps/gateway-e2e/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: [...(common.testPathIgnorePatterns ?? []), '<rootDir>/apps/gateway-e2e/src/replicas/'],
      slowTestThreshold: 60,
      setupFilesAfterEnv: ['<rootDir>/tools/jest/e2e.setup.ts'],
      globalSetup: '<rootDir>/apps/gateway-e2e/src/global-setup.ts',
      globalTeardown: '<rootDir>/apps/gateway-e2e/src/global-teardown.ts',
    },
    // The same platform with two processes of every app. A stack of its own, so never in the
    // same Jest run as e2e: both would join the same consumer groups (tools/scripts/test.ts).
    {
      ...common,
      displayName: 'e2e-replicas',
      testMatch: ['<rootDir>/apps/gateway-e2e/src/replicas/**/*.e2e-spec.ts'],
      slowTestThreshold: 120,
      setupFilesAfterEnv: ['<rootDir>/tools/jest/e2e.setup.ts'],
      globalSetup: '<rootDir>/apps/gateway-e2e/src/replicas/global-setup.ts',
      globalTeardown: '<rootDir>/apps/gateway-e2e/src/global-teardown.ts',
    },
  ],
};

export default config;
