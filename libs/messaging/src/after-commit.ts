import type { SqlExecutor, TransactionRunner } from './database';

const hooks = new WeakMap<object, Array<() => void>>();

/**
 * `db`, whose transactions run the callbacks registered with {@link afterCommit} once they have
 * committed, and drop them when they roll back. For effects outside the database that must
 * happen once per committed change and never for a rolled-back attempt: counting a metric,
 * say, in a handler the inbox may retry.
 */
export function withAfterCommit<Tx extends SqlExecutor>(db: TransactionRunner<Tx>): TransactionRunner<Tx> {
  return {
    async $transaction<R>(fn: (tx: Tx) => Promise<R>): Promise<R> {
      let callbacks: Array<() => void> = [];
      const result = await db.$transaction(async (tx) => {
        callbacks = [];
        hooks.set(tx, callbacks);
        try {
          return await fn(tx);
        } finally {
          hooks.delete(tx);
        }
      });
      for (const callback of callbacks) {
        try {
          callback();
        } catch (error) {
          // The change is committed: a failing hook must not make it look failed (and retried).
          process.emitWarning(`afterCommit callback failed: ${String(error)}`);
        }
      }
      return result;
    },
  };
}

/**
 * Runs `callback` once `tx` commits. Throws when `tx` was not started through
 * {@link withAfterCommit}: the callback would silently never run.
 */
export function afterCommit(tx: SqlExecutor, callback: () => void): void {
  const callbacks = hooks.get(tx);
  if (!callbacks) throw new Error('afterCommit: this transaction was not started through withAfterCommit(db)');
  callbacks.push(callback);
}
