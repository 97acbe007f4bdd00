import type { Pool, PoolClient } from 'pg';
import type { SqlExecutor, TransactionRunner } from '@ecommerce/messaging';

/**
 * The Prisma surface the library needs, over plain `pg`, for tests that have no generated
 * Prisma client. Services pass their PrismaService instead; it has the same methods.
 */
export class PgTx implements SqlExecutor {
  constructor(protected readonly client: Pool | PoolClient) {}

  async $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> {
    return (await this.client.query(query, values)).rowCount ?? 0;
  }

  async $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> {
    return (await this.client.query(query, values)).rows as T;
  }
}

export class PgDatabase extends PgTx implements TransactionRunner<PgTx> {
  constructor(private readonly pool: Pool) {
    super(pool);
  }

  /** Like Prisma's interactive transaction: commit when `fn` resolves, roll back when it rejects. */
  async $transaction<R>(fn: (tx: PgTx) => Promise<R>): Promise<R> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(new PgTx(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
