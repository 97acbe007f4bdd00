import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Env } from '../db/services';
import { schemaEngineWasmPath } from './engine';
import { REPO_ROOT, type ServiceProject } from './project';

const run = promisify(execFile);

/**
 * Without a network, `prisma generate` would try to download the native
 * schema engine and fail. Generate never runs that engine (the Prisma 7
 * client compiles queries in WebAssembly), so pointing the CLI at any
 * existing file is enough to skip the download; the wasm engine is a
 * file that is always installed. No update check, no telemetry either.
 */
export function offlinePrismaEnv(env: Env = process.env): Env {
  return {
    ...env,
    PRISMA_SCHEMA_ENGINE_BINARY: env['PRISMA_SCHEMA_ENGINE_BINARY'] || schemaEngineWasmPath(),
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  };
}

/** `prisma generate` for one service, through its prisma.config.ts. Returns the CLI's output. */
export async function generateClient(
  project: ServiceProject,
  env: Env = process.env,
): Promise<string> {
  const cli = require.resolve('prisma/build/index.js');
  const { stdout, stderr } = await run(
    process.execPath,
    [cli, 'generate', '--config', project.configPath],
    {
      cwd: REPO_ROOT,
      env: offlinePrismaEnv(env),
    },
  );
  return `${stdout}${stderr}`;
}
