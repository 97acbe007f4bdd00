import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { Client } from 'pg';
import { dropDatabaseIfExists, withDatabaseName } from '../db/admin';
import { databaseUrlVariable, defaultServerUrl, SERVICES, type Service } from '../db/services';
import { DEFAULT_PRISMA_DIR, REPO_ROOT } from './project';

/**
 * The commands behind `npm run db:*`, run as users run them (a tsx process)
 * against the real Postgres, on scratch databases with unique names.
 */

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const run = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [require.resolve('tsx/cli'), join(REPO_ROOT, 'tools/prisma/cli.ts'), ...args],
      { cwd: REPO_ROOT, env: { ...process.env, ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });

const runId = randomBytes(4).toString('hex');
const server = `${defaultServerUrl()}postgres`;
const testDatabaseUrl = (service: Service) =>
  withDatabaseName(server, `prisma_test_${runId}_${service}`);
/** Points every service at its own fresh database for this run. */
const testEnv = Object.fromEntries(
  SERVICES.map((service) => [databaseUrlVariable(service), testDatabaseUrl(service)]),
);

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  for (const service of SERVICES) await dropDatabaseIfExists(testDatabaseUrl(service));
});

/** The committed migrations of a service, oldest first, as the tool must apply them. */
const committedMigrations = (service: Service): string[] =>
  readdirSync(join(DEFAULT_PRISMA_DIR, service, 'migrations'), { withFileTypes: true })
    .filter(
      (entry) =>
        entry.isDirectory() &&
        existsSync(join(DEFAULT_PRISMA_DIR, service, 'migrations', entry.name, 'migration.sql')),
    )
    .map((entry) => entry.name)
    .sort();

const plural = (count: number) => `${count} migration${count === 1 ? '' : 's'}`;

describe('db:migrate', () => {
  it('applies every service migration to a fresh database, then nothing the second time', async () => {
    const first = await run(['migrate'], testEnv);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    for (const service of SERVICES) {
      const migrations = committedMigrations(service);
      expect(migrations.length).toBeGreaterThan(0);
      expect(first.stdout).toContain(
        `${service}: applied ${plural(migrations.length)} to prisma_test_${runId}_${service}: ${migrations.join(', ')}`,
      );
    }

    const second = await run(['migrate'], testEnv);
    expect(second.code).toBe(0);
    const orderMigrations = committedMigrations('order');
    expect(second.stdout).toContain(
      `order: prisma_test_${runId}_order is up to date (${plural(orderMigrations.length)})`,
    );
    expect(second.stdout).not.toContain('applied');

    const history = await query<{ migration_name: string; finished: boolean }>(
      testDatabaseUrl('order'),
      'SELECT migration_name, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(history).toEqual(
      orderMigrations.map((migration_name) => ({ migration_name, finished: true })),
    );
  }, 120_000);

  it('lets several processes migrate one fresh database at once: one applies, the others wait and find it done', async () => {
    const url = withDatabaseName(server, `prisma_test_${runId}_concurrent`);
    const env = { [databaseUrlVariable('payment')]: url };
    try {
      const runs = await Promise.all([1, 2, 3].map(() => run(['migrate', 'payment'], env)));
      expect(runs.map(({ code, stderr }) => ({ code, stderr }))).toEqual(
        runs.map(() => ({ code: 0, stderr: '' })),
      );
      const migrations = committedMigrations('payment');
      const applied = runs.filter((result) => result.stdout.includes('payment: applied'));
      expect(applied).toHaveLength(1);
      const history = await query<{ migration_name: string }>(
        url,
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name',
      );
      expect(history.map((row) => row.migration_name)).toEqual(migrations);
    } finally {
      await dropDatabaseIfExists(url);
    }
  }, 120_000);

  it('keeps the hand-written CHECK constraints: stock never goes negative', async () => {
    const url = testDatabaseUrl('inventory');
    await run(['migrate', 'inventory'], testEnv);
    const [product] = await query<{ id: string }>(
      url,
      `INSERT INTO products (sku, name, price_cents, currency, updated_at) VALUES ('SKU-1', 'Mug', 900, 'EUR', now()) RETURNING id`,
    );
    await query(
      url,
      `INSERT INTO stock (product_id, available, updated_at) VALUES ('${product?.id}', 1, now())`,
    );
    await expect(query(url, `UPDATE stock SET available = available - 2`)).rejects.toThrow(
      'stock_available_check',
    );
  }, 60_000);
});

describe('db:check and db:migrate:create', () => {
  let prismaDir: string;
  beforeEach(() => {
    prismaDir = mkdtempSync(join(tmpdir(), 'prisma-check-'));
  });
  afterEach(() => rmSync(prismaDir, { recursive: true, force: true }));

  it('passes for the committed schemas and migrations (hand-written SQL included)', async () => {
    const result = await run(['check'], testEnv);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    for (const service of SERVICES)
      expect(result.stdout).toContain(`${service}: schema.prisma matches its migrations`);
  }, 120_000);

  it('fails, naming the service and the missing SQL, when a field has no migration; a created migration fixes it', async () => {
    cpSync(join(DEFAULT_PRISMA_DIR, 'user'), join(prismaDir, 'user'), { recursive: true });
    const schemaPath = join(prismaDir, 'user', 'schema.prisma');
    writeFileSync(
      schemaPath,
      readFileSync(schemaPath, 'utf8').replace(
        /^(\s*name\s+String\s+@db\.VarChar\(100\))$/m,
        '$1\n  nickname String? @db.VarChar(50)',
      ),
    );
    const inCopy = ['--prisma-dir', prismaDir];

    const drift = await run(['check', 'user', ...inCopy], testEnv);
    expect(drift.code).toBe(1);
    expect(drift.stderr).toContain('user: DRIFT: schema.prisma and its migrations disagree');
    expect(drift.stderr).toContain('ALTER TABLE "users" ADD COLUMN     "nickname" VARCHAR(50);');

    const created = await run(['migrate:create', 'user', 'add nickname', ...inCopy], testEnv);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const [, path] = created.stdout.match(/user: wrote (\S+migration\.sql)/) ?? [];
    expect(path).toMatch(/migrations\/\d{14}_add_nickname\/migration\.sql$/);
    expect(readFileSync(path as string, 'utf8')).toContain(
      'ALTER TABLE "users" ADD COLUMN     "nickname" VARCHAR(50);',
    );

    expect(await run(['check', 'user', ...inCopy], testEnv)).toMatchObject({ code: 0 });
    const again = await run(['migrate:create', 'user', 'again', ...inCopy], testEnv);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('user: schema.prisma matches its migrations: nothing to create');

    // The new folder is a migration like any other: it applies on top of the first.
    const migrated = await run(['migrate', 'user', ...inCopy], testEnv);
    expect(migrated.stdout).toMatch(
      /user: applied \d migrations? to \S+: (20261127000000_init, )?\d{14}_add_nickname/,
    );
    const columns = await query<{ column_name: string }>(
      testDatabaseUrl('user'),
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'nickname'`,
    );
    expect(columns).toHaveLength(1);
  }, 120_000);

  it('reports a migration that does not apply cleanly', async () => {
    cpSync(join(DEFAULT_PRISMA_DIR, 'payment'), join(prismaDir, 'payment'), { recursive: true });
    const broken = join(prismaDir, 'payment', 'migrations', '20261127000001_broken');
    cpSync(join(prismaDir, 'payment', 'migrations', '20261127000000_init'), broken, {
      recursive: true,
    });
    writeFileSync(
      join(broken, 'migration.sql'),
      'ALTER TABLE "no_such_table" ADD COLUMN "x" INTEGER;',
    );

    const result = await run(['check', 'payment', '--prisma-dir', prismaDir], testEnv);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/payment: FAILED: .*20261127000001_broken/);
    expect(existsSync(broken)).toBe(true);
  }, 60_000);
});

describe('db:generate', () => {
  it('writes a client that queries the migrated database through @prisma/adapter-pg', async () => {
    // A copy inside the repo (node_modules must resolve from the generated code) with its own output folder.
    mkdirSync(join(REPO_ROOT, 'tmp'), { recursive: true });
    const prismaDir = mkdtempSync(join(REPO_ROOT, 'tmp', 'prisma-generate-'));
    try {
      cpSync(join(DEFAULT_PRISMA_DIR, 'payment'), join(prismaDir, 'payment'), { recursive: true });
      const schemaPath = join(prismaDir, 'payment', 'schema.prisma');
      writeFileSync(
        schemaPath,
        readFileSync(schemaPath, 'utf8').replace(/output\s*=\s*"[^"]*"/, 'output = "generated"'),
      );

      const generated = await run(['generate', 'payment', '--prisma-dir', prismaDir], testEnv);
      expect(generated.stdout).toContain('payment: Generated Prisma Client');
      await run(['migrate', 'payment'], testEnv);

      const { PrismaClient } = require(join(prismaDir, 'payment', 'generated', 'client.ts'));
      const prisma = new PrismaClient({
        adapter: new PrismaPg({ connectionString: testDatabaseUrl('payment') }),
      });
      try {
        const orderId = randomUUID();
        await prisma.payment.create({
          data: {
            orderId,
            userId: randomUUID(),
            amountCents: 1299,
            currency: 'EUR',
            status: 'CAPTURED',
            method: 'pm_card_visa',
          },
        });
        expect(await prisma.payment.findUnique({ where: { orderId } })).toMatchObject({
          orderId,
          amountCents: 1299,
          status: 'CAPTURED',
          attempts: 0,
        });
      } finally {
        await prisma.$disconnect();
      }
    } finally {
      rmSync(prismaDir, { recursive: true, force: true });
    }
  }, 120_000);
});
