import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { MESSAGING_SCHEMA_SQL } from '@ecommerce/messaging';
import { PgDatabase } from './pg-database';

const host = process.env['PGHOST'] || '127.0.0.1';
const port = process.env['PGPORT'] || '5432';
const server = `postgresql://postgres@${host}:${port}`;

export interface ScratchDatabase {
  name: string;
  url: string;
  pool: Pool;
  /** Prisma-shaped access (`$executeRawUnsafe`, `$queryRawUnsafe`, `$transaction`). */
  db: PgDatabase;
  drop(): Promise<void>;
}

async function onServer(sql: string): Promise<void> {
  const client = new Client({ connectionString: `${server}/postgres` });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `No Postgres answers at ${server} (${(error as Error).message}); set PGHOST/PGPORT.`,
    );
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database `messaging_it_<random>` with the messaging schema (plus `extraSql`). */
export async function createScratchDatabase(extraSql = ''): Promise<ScratchDatabase> {
  const name = `messaging_it_${randomBytes(6).toString('hex')}`;
  await onServer(`CREATE DATABASE ${name}`);
  const url = `${server}/${name}`;
  const pool = new Pool({ connectionString: url, max: 10 });
  try {
    await pool.query(`${MESSAGING_SCHEMA_SQL}\n${extraSql}`);
  } catch (error) {
    await pool.end();
    await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    throw error;
  }
  return {
    name,
    url,
    pool,
    db: new PgDatabase(pool),
    drop: async () => {
      await pool.end();
      await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
