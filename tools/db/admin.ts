import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Creating and dropping whole databases. Postgres cannot do that from inside
 * the database in question, so these connect to the server's `postgres`
 * maintenance database with the same credentials.
 */

const DUPLICATE_DATABASE = '42P04';
/** What a CREATE DATABASE racing another one for the same name gets instead of 42P04. */
const UNIQUE_VIOLATION = '23505';

/** Scratch databases this process created (or is creating) and has not dropped yet. */
const liveScratchDatabases = new Map<string, Promise<unknown>>();
let scratchClosed = false;

export function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new Error(`no database name in ${redactUrl(url)}`);
  return name;
}

/** The same server and credentials, another database. */
export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(name)}`;
  return parsed.toString();
}

/** For messages: never print a password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid database URL>';
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function withMaintenanceClient<T>(
  url: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: withDatabaseName(url, 'postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates the database named in `url` unless it exists. Returns whether it was created. */
export async function createDatabaseIfMissing(url: string): Promise<boolean> {
  const name = databaseNameOf(url);
  return withMaintenanceClient(url, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
      return true;
    } catch (error) {
      // Another process created it between our check and our CREATE (or during it).
      const code = (error as { code?: string }).code;
      if (code === DUPLICATE_DATABASE || code === UNIQUE_VIOLATION) return false;
      throw error;
    }
  });
}

/** Drops the database named in `url`, disconnecting anyone still connected. */
export async function dropDatabaseIfExists(url: string): Promise<void> {
  const name = databaseNameOf(url);
  await withMaintenanceClient(url, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`),
  );
  liveScratchDatabases.delete(url);
}

/** A fresh, empty database on the same server, named so that a leftover is easy to spot. */
export async function createScratchDatabase(url: string, purpose: string): Promise<string> {
  if (scratchClosed) throw new Error('no new scratch databases: the process is exiting');
  const scratchUrl = withDatabaseName(
    url,
    `prisma_scratch_${purpose}_${randomBytes(6).toString('hex')}`,
  );
  const creating = createDatabaseIfMissing(scratchUrl);
  liveScratchDatabases.set(scratchUrl, creating);
  await creating;
  return scratchUrl;
}

/** For a process about to die mid-command (an engine panic): drops what `finally` blocks will not get to. */
export async function dropLiveScratchDatabases(): Promise<void> {
  scratchClosed = true;
  await Promise.allSettled(
    [...liveScratchDatabases].map(async ([url, creating]) => {
      await creating.catch(() => undefined);
      await dropDatabaseIfExists(url);
    }),
  );
}

/** Runs `work` against a scratch database that is dropped afterwards, whatever happens. */
export async function withScratchDatabase<T>(
  url: string,
  purpose: string,
  work: (scratchUrl: string) => Promise<T>,
): Promise<T> {
  const scratchUrl = await createScratchDatabase(url, purpose);
  try {
    return await work(scratchUrl);
  } finally {
    await dropDatabaseIfExists(scratchUrl);
  }
}
