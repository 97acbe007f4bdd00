import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The pid recorded by `up`, or undefined when there is no (readable) pid file. */
export async function readPidFile(file: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export async function writePidFile(file: string, pid: number): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${pid}\n`);
}

export async function removePidFile(file: string): Promise<void> {
  await rm(file, { force: true });
}

/** True while the process exists and is not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else; still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc (not Linux): kill(pid, 0) is all we know
  }
}

/** The process's command line, or undefined where /proc is unavailable or the process is gone. */
export function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

/**
 * SIGTERM, then SIGKILL if the process is still there after `graceMs`.
 * Resolves with how it ended; never signals any process but `pid`.
 */
export async function terminate(
  pid: number,
  graceMs: number,
): Promise<'exited' | 'killed' | 'not-running'> {
  if (!isAlive(pid)) return 'not-running';
  process.kill(pid, 'SIGTERM');
  if (await waitForExit(pid, graceMs)) return 'exited';
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'exited';
  }
  await waitForExit(pid, 5_000);
  return 'killed';
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}

/**
 * Runs `fn` holding a lock directory (mkdir is atomic), so two `up`s at once (a test run and
 * `start:local`, say) do not both format and start a broker. A lock whose owner died is taken over.
 */
export async function withLock<T>(
  lockDir: string,
  timeoutMs: number,
  onWait: (ownerPid: number | undefined) => void,
  fn: () => Promise<T>,
): Promise<T> {
  const ownerFile = `${lockDir}/owner.pid`;
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  await mkdir(dirname(lockDir), { recursive: true });
  for (;;) {
    try {
      await mkdir(lockDir, { recursive: false });
      await writePidFile(ownerFile, process.pid);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = await readPidFile(ownerFile);
      if (owner !== undefined && !isAlive(owner)) {
        await rm(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(
          `${lockDir} is still held by pid ${owner ?? '?'} after ${timeoutMs / 1000}s (remove it if no infra:up is running)`,
        );
      if (!announced) onWait(owner);
      announced = true;
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}
