import { afterCommit, withAfterCommit } from './after-commit';
import type { SqlExecutor, TransactionRunner } from './database';

/** A fake database whose transaction commits unless `fn` rejects or `failCommit` is set. */
function fakeDb(options: { failCommit?: boolean } = {}): TransactionRunner<SqlExecutor> {
  return {
    async $transaction<R>(fn: (tx: SqlExecutor) => Promise<R>): Promise<R> {
      const tx: SqlExecutor = { $executeRawUnsafe: async () => 1 };
      const result = await fn(tx);
      if (options.failCommit) throw new Error('could not serialize access');
      return result;
    },
  };
}

describe('withAfterCommit', () => {
  it('runs the callbacks once the transaction has committed, in order', async () => {
    const calls: string[] = [];
    const result = await withAfterCommit(fakeDb()).$transaction(async (tx) => {
      afterCommit(tx, () => calls.push('first'));
      afterCommit(tx, () => calls.push('second'));
      expect(calls).toEqual([]);
      return 42;
    });
    expect(result).toBe(42);
    expect(calls).toEqual(['first', 'second']);
  });

  it('drops them when the transaction rolls back, or its commit fails', async () => {
    const calls: string[] = [];
    await expect(
      withAfterCommit(fakeDb()).$transaction(async (tx) => {
        afterCommit(tx, () => calls.push('rolled back'));
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    await expect(
      withAfterCommit(fakeDb({ failCommit: true })).$transaction(async (tx) => {
        afterCommit(tx, () => calls.push('commit failed'));
      }),
    ).rejects.toThrow('could not serialize');
    expect(calls).toEqual([]);
  });

  it('refuses a callback for a transaction it did not start, instead of never running it', async () => {
    await fakeDb().$transaction(async (tx) => {
      expect(() => afterCommit(tx, () => undefined)).toThrow(/withAfterCommit/);
    });
  });
});
