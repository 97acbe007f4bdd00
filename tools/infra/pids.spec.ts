import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandLineOf, isAlive, readPidFile, removePidFile, withLock, writePidFile } from './pids';

describe('pid files', () => {
  it('writes, reads and removes a pid; ignores a garbled or missing file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pids-'));
    const file = join(dir, 'nested', 'kafka.pid');
    expect(await readPidFile(file)).toBeUndefined();
    await writePidFile(file, 4242);
    expect(await readPidFile(file)).toBe(4242);
    await writeFile(file, 'not a pid');
    expect(await readPidFile(file)).toBeUndefined();
    await removePidFile(file);
    expect(await readPidFile(file)).toBeUndefined();
  });

  it('knows this process is alive and what it runs', () => {
    expect(isAlive(process.pid)).toBe(true);
    expect(isAlive(2 ** 22 + 12345)).toBe(false); // above Linux's pid_max
    expect(commandLineOf(process.pid)).toContain('node');
  });
});

describe('withLock', () => {
  it('creates missing parent folders, runs one holder at a time and releases on error', async () => {
    const lock = join(await mkdtemp(join(tmpdir(), 'lock-')), 'deep', 'up.lock');
    const order: string[] = [];
    let release!: () => void;
    const first = withLock(
      lock,
      5_000,
      () => order.push('first waits'),
      async () => {
        order.push('first in');
        await new Promise<void>((r) => (release = r));
        order.push('first out');
      },
    );
    await new Promise((r) => setTimeout(r, 50));
    const second = withLock(
      lock,
      5_000,
      () => order.push('second waits'),
      async () => {
        order.push('second in');
        throw new Error('boom');
      },
    );
    await new Promise((r) => setTimeout(r, 50));
    release();
    await first;
    await expect(second).rejects.toThrow('boom');
    expect(order).toEqual(['first in', 'second waits', 'first out', 'second in']);
    await expect(
      withLock(
        lock,
        1_000,
        () => undefined,
        async () => 'free again',
      ),
    ).resolves.toBe('free again');
  });

  it('takes over a lock whose owner died', async () => {
    const lock = join(await mkdtemp(join(tmpdir(), 'lock-')), 'up.lock');
    await writePidFile(join(lock, 'owner.pid'), 2 ** 22 + 12345);
    await expect(
      withLock(
        lock,
        1_000,
        () => undefined,
        async () => 'taken',
      ),
    ).resolves.toBe('taken');
  });
});
