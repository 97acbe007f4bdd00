import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEAD_LETTER_PRISMA_MODEL,
  DEAD_LETTER_TABLE_SQL,
  MESSAGING_PRISMA_MODELS,
  MESSAGING_TABLES_SQL,
} from '@ecommerce/messaging';
import { defaultServerUrl } from '../db/services';
import { REPO_ROOT } from './project';

/**
 * The messaging library's tests (and anyone reading its README) build the outbox, inbox and
 * dead-letter tables from MESSAGING_TABLES_SQL and DEAD_LETTER_TABLE_SQL, the services from their
 * Prisma models (MESSAGING_PRISMA_MODELS, DEAD_LETTER_PRISMA_MODEL, copied into each schema:
 * messaging-models.spec.ts). Both must describe the same tables, so
 * the SQL is checked against what Prisma itself writes for the models: `db:migrate:create` on
 * a schema that holds the models alone, against the real Postgres (the engine diffs there).
 */

/** The SQL without its comments, one space wherever there was any. */
const statements = (sql: string) =>
  sql
    .replace(/^\s*--.*$/gm, '')
    .replace(/\s+/g, ' ')
    .trim();

function migrateCreate(prismaDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [require.resolve('tsx/cli'), join(REPO_ROOT, 'tools/prisma/cli.ts'), 'migrate:create', 'order', 'messaging', '--prisma-dir', prismaDir],
      // Any database of the server: the engine works on scratch databases it creates there.
      { cwd: REPO_ROOT, env: { ...process.env, ORDER_DATABASE_URL: `${defaultServerUrl()}postgres` } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The SQL `db:migrate:create` writes for a schema that holds `models` and nothing else. */
async function prismaWrites(prismaDir: string, models: string): Promise<string> {
  // A service folder (the CLI takes service names) whose schema is the models and nothing else.
  mkdirSync(join(prismaDir, 'order'));
  writeFileSync(
    join(prismaDir, 'order', 'schema.prisma'),
    `datasource db {\n  provider = "postgresql"\n}\n\n${models}`,
  );

  const created = await migrateCreate(prismaDir);
  expect(created).toMatchObject({ code: 0, stderr: '' });
  const [, path] = created.stdout.match(/order: wrote (\S+migration\.sql)/) ?? [];
  return readFileSync(join(REPO_ROOT, path ?? 'no migration written'), 'utf8');
}

describe('the messaging tables SQL', () => {
  let prismaDir: string;
  beforeEach(() => {
    prismaDir = mkdtempSync(join(tmpdir(), 'messaging-models-'));
  });
  afterEach(() => rmSync(prismaDir, { recursive: true, force: true }));

  it('MESSAGING_TABLES_SQL is the SQL Prisma writes for MESSAGING_PRISMA_MODELS, comments aside', async () => {
    const generated = await prismaWrites(prismaDir, MESSAGING_PRISMA_MODELS);
    expect(statements(generated)).toBe(statements(MESSAGING_TABLES_SQL));
  }, 60_000);

  it('DEAD_LETTER_TABLE_SQL is what Prisma adds for DEAD_LETTER_PRISMA_MODEL, comments aside', async () => {
    const generated = await prismaWrites(
      prismaDir,
      `${MESSAGING_PRISMA_MODELS}\n${DEAD_LETTER_PRISMA_MODEL}`,
    );
    expect(statements(generated)).toBe(
      statements(`${MESSAGING_TABLES_SQL}\n${DEAD_LETTER_TABLE_SQL}`),
    );
  }, 60_000);
});
