/**
 * The only database surface this library needs from a service: Prisma's raw-SQL method and its
 * interactive transactions. A Prisma client (a service's `PrismaService`) and the `tx` of
 * `prisma.$transaction(async (tx) => ...)` both fit as they are; tests use a small adapter over
 * `pg` with the same two methods.
 */

/** Runs SQL with `$1, $2, ...` placeholders and resolves to the number of rows affected. */
export interface SqlExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
}

/**
 * Runs `fn` in one database transaction: commit when it resolves, roll back when it rejects.
 * `Tx` is what `fn` receives: with Prisma, the full transaction client (models included), so
 * a handler writes its own tables and the inbox/outbox rows in one transaction.
 */
export interface TransactionRunner<Tx extends SqlExecutor = SqlExecutor> {
  $transaction<R>(fn: (tx: Tx) => Promise<R>): PromiseLike<R>;
}
