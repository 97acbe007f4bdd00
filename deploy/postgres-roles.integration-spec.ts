import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { dropDatabaseIfExists, withDatabaseName } from '../tools/db/admin';
import { databaseUrlVariable, defaultServerUrl, SERVICES } from '../tools/db/services';

/**
 * docker-compose.yml's Postgres init script, run by psql as the postgres image runs it, on the
 * real server: each service gets a role that owns its database and may connect to no other,
 * and every migration applies as that role. Roles are server-wide, so the names get a unique
 * prefix here (`ecommerce_` → `ecommerce_roles_<random>_`) and are dropped afterwards.
 */
const SCRIPT = join(__dirname, 'postgres/init/01-create-databases.sql');
const prefix = `ecommerce_roles_${randomBytes(4).toString('hex')}_`;
const server = defaultServerUrl(process.env);
const passwords = Object.fromEntries(
  SERVICES.map((service) => [service, `password-of-${service}`]),
);

/** The URL `service` connects with in compose, on this server, under the test's prefix. */
function urlOf(service: string, database = service): string {
  const url = new URL(withDatabaseName(server, `${prefix}${database}`));
  url.username = `${prefix}${service}`;
  url.password = passwords[service] as string;
  return url.toString();
}

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'postgres-init-'));
  const script = join(dir, 'init.sql');
  writeFileSync(script, readFileSync(SCRIPT, 'utf8').replace(/\becommerce_/g, prefix));
  const env = Object.fromEntries(
    SERVICES.map((service) => [`${service.toUpperCase()}_DB_PASSWORD`, passwords[service]]),
  );
  const { hostname, port, username } = new URL(server);
  await promisify(execFile)(
    'psql',
    [
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-h',
      hostname,
      '-p',
      port || '5432',
      '-U',
      username || 'postgres',
      '-d',
      'postgres',
      '-f',
      script,
    ],
    { env: { ...process.env, ...env } },
  );
}, 60_000);

afterAll(async () => {
  for (const service of SERVICES)
    await dropDatabaseIfExists(withDatabaseName(server, `${prefix}${service}`));
  for (const service of SERVICES) await query(server, `DROP ROLE IF EXISTS "${prefix}${service}"`);
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('the compose Postgres init script', () => {
  it("lets `npm run db:migrate` apply every migration as each service's role", async () => {
    // As the compose `migrate` job runs it (the migration engine is WASM, which runs in tsx, not in Jest).
    const urls = Object.fromEntries(
      SERVICES.map((service) => [databaseUrlVariable(service), urlOf(service)]),
    );
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [require.resolve('tsx/cli'), join(__dirname, '../tools/prisma/cli.ts'), 'migrate'],
      {
        env: { ...process.env, ...urls },
      },
    );
    for (const service of SERVICES)
      expect(stdout).toMatch(
        new RegExp(`^${service}: applied \\d+ migrations to ${prefix}${service}`, 'm'),
      );
  }, 180_000);

  it.each([...SERVICES])(
    'gives %s a role of its own, not a superuser, that owns its database',
    async (service) => {
      const [row] = (await query(
        urlOf(service),
        'SELECT current_user AS role, pg_catalog.pg_get_userbyid(d.datdba) AS owner, r.rolsuper AS super FROM pg_database d, pg_roles r WHERE d.datname = current_database() AND r.rolname = current_user',
      )) as Array<Record<string, unknown>>;
      expect(row).toEqual({
        role: `${prefix}${service}`,
        owner: `${prefix}${service}`,
        super: false,
      });
      // Its tables are its own too: the migrations created them as that role.
      const owners = await query(
        urlOf(service),
        "SELECT DISTINCT tableowner AS owner FROM pg_tables WHERE schemaname = 'public'",
      );
      expect(owners).toEqual([{ owner: `${prefix}${service}` }]);
    },
  );

  it("refuses each role every other service's database", async () => {
    for (const service of SERVICES) {
      for (const other of SERVICES.filter((name) => name !== service)) {
        await expect(query(urlOf(service, other), 'SELECT 1')).rejects.toThrow(
          /permission denied for database/,
        );
      }
    }
  });
});
