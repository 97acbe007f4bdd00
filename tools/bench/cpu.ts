/**
 * CPU time per process from /proc (Linux): the parsing and arithmetic are pure and tested, the
 * sampling is a thin layer over them.
 *
 * - A process's CPU is utime + stime of /proc/<pid>/stat (all its threads: libuv's pool, the
 *   JVM's GC and network threads).
 * - Postgres forks a backend per connection; a backend that exits takes its counters with it,
 *   so the cluster's CPU is the postmaster's own time, plus cutime + cstime (the time of the
 *   children it has reaped: exited backends), plus every live child's utime + stime. Summed
 *   like that a pool that churns connections is still counted in full.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The fields of /proc/<pid>/stat this bench reads; times are in clock ticks. */
export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  utime: number;
  stime: number;
  /** CPU of reaped children (Postgres: exited backends). */
  cutime: number;
  cstime: number;
}

/**
 * Parses one /proc/<pid>/stat line. The command name sits in parentheses and may itself hold
 * spaces and parentheses ("(sd-pam)", "(my (odd) name)"), so the fields are split after the
 * LAST ")": never on the first space.
 */
export function parseProcStat(line: string): ProcStat {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open)
    throw new Error(`not a /proc/<pid>/stat line: ${line.slice(0, 80)}`);
  // After the comm: state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17), 1-based.
  const rest = line
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const field = (n: number) => {
    const value = Number(rest[n - 3]);
    if (!Number.isFinite(value)) throw new Error(`field ${n} missing in /proc/<pid>/stat line`);
    return value;
  };
  return {
    pid: Number(line.slice(0, open).trim()),
    comm: line.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
  };
}

/** Clock ticks per second for /proc times: `getconf CLK_TCK`, 100 on Linux when getconf fails. */
export function clockTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

/** The process's stat, or undefined when it is gone (or /proc is not there). */
export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Every process's stat: for finding a postmaster's children. */
export function allProcStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat) stats.push(stat);
  }
  return stats;
}

/** What one measured group of processes is: a single process, or a process and all its children. */
export type CpuSource =
  | { kind: 'process'; pid: number }
  /** A process, the children it reaped, and its live children: the Postgres cluster. */
  | { kind: 'tree'; pid: number };

/** CPU ticks spent so far by `source` (undefined when its process is gone). */
export function ticksOf(source: CpuSource, all?: readonly ProcStat[]): number | undefined {
  const own = readProcStat(source.pid);
  if (!own) return undefined;
  if (source.kind === 'process') return own.utime + own.stime;
  const children = (all ?? allProcStats()).filter((stat) => stat.ppid === source.pid);
  return treeTicks(own, children);
}

/** A parent's own time, its reaped children's, and its live children's own time. */
export function treeTicks(parent: ProcStat, liveChildren: readonly ProcStat[]): number {
  return (
    parent.utime +
    parent.stime +
    parent.cutime +
    parent.cstime +
    liveChildren.reduce((sum, child) => sum + child.utime + child.stime, 0)
  );
}

/** Ticks per named group at one instant. */
export type CpuSample = Record<string, number | undefined>;

/** Samples the CPU of named processes; one /proc scan per sample serves every tree. */
export class CpuMeter {
  readonly ticksPerSecond = clockTicksPerSecond();

  constructor(readonly sources: ReadonlyMap<string, CpuSource>) {}

  sample(): CpuSample {
    const needsScan = [...this.sources.values()].some((source) => source.kind === 'tree');
    const all = needsScan ? allProcStats() : undefined;
    const sample: CpuSample = {};
    for (const [name, source] of this.sources) sample[name] = ticksOf(source, all);
    return sample;
  }

  /** Milliseconds of CPU per group between two samples; a group missing from either is left out. */
  msBetween(before: CpuSample, after: CpuSample): Record<string, number> {
    const ms: Record<string, number> = {};
    for (const name of this.sources.keys()) {
      const a = before[name];
      const b = after[name];
      if (a !== undefined && b !== undefined) ms[name] = ((b - a) * 1000) / this.ticksPerSecond;
    }
    return ms;
  }
}

/** How many consecutive windows the idle time is split into; see {@link idleRates}. */
export const IDLE_WINDOWS = 5;

/**
 * Idle CPU per process, ms/s: the median over consecutive windows of equal length. A one-off
 * in one window (a garbage collection after the warm-up's burst, a compiler thread) is the
 * tail of earlier work, not what the process costs at rest, and the median leaves it out.
 */
export function idleRates(
  windows: ReadonlyArray<Record<string, number>>,
  windowSeconds: number,
): Record<string, number> {
  const names = new Set(windows.flatMap((window) => Object.keys(window)));
  const rates: Record<string, number> = {};
  for (const name of names) {
    const values = windows
      .map((window) => window[name])
      .filter((value): value is number => value !== undefined)
      .sort((a, b) => a - b);
    if (values.length === 0) continue;
    const middle = Math.floor(values.length / 2);
    const median =
      values.length % 2 === 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    rates[name] = median / windowSeconds;
  }
  return rates;
}

/**
 * CPU per order net of what the process burns anyway: (CPU during the window − idle rate ×
 * window length) / orders. It can come out slightly negative for a process the orders never
 * touch (noise around its idle rate): reported as it is rather than clamped, so sums add up.
 */
export function netCpuPerOrder(input: {
  cpuMs: number;
  idleMsPerSecond: number;
  windowSeconds: number;
  orders: number;
}): number {
  if (input.orders <= 0) return Number.NaN;
  return (input.cpuMs - input.idleMsPerSecond * input.windowSeconds) / input.orders;
}

/**
 * The listening sockets of /proc/net/tcp or tcp6: local port → socket inode. State 0A is
 * LISTEN; the port is the hex after the colon of the local address.
 */
export function parseListeningSockets(table: string): Map<number, number[]> {
  const byPort = new Map<number, number[]>();
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || fields[3] !== '0A') continue;
    const port = parseInt((fields[1] ?? '').split(':')[1] ?? '', 16);
    const inode = Number(fields[9]);
    if (!Number.isFinite(port) || !inode) continue;
    byPort.set(port, [...(byPort.get(port) ?? []), inode]);
  }
  return byPort;
}

/**
 * The pid listening on a TCP port, found the way `ss -p` does: the socket's inode from
 * /proc/net/tcp{,6}, then the process holding a descriptor to `socket:[inode]`. Needs to see the
 * other process's /proc/<pid>/fd (same user or root); undefined when it cannot.
 */
export function pidListeningOn(port: number): number | undefined {
  const inodes = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const inode of parseListeningSockets(readFileSync(table, 'utf8')).get(port) ?? [])
        inodes.add(inode);
    } catch {
      // No IPv6 table, or no /proc: the other table may still answer.
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${entry}/fd/${fd}`));
        if (match && inodes.has(Number(match[1]))) return Number(entry);
      } catch {
        // The descriptor closed while we looked.
      }
    }
  }
  return undefined;
}

/** A process's environment (NUL-separated in /proc/<pid>/environ), or undefined when unreadable. */
export function environOf(pid: number): Record<string, string> | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
    return Object.fromEntries(
      raw
        .split('\0')
        .filter((entry) => entry.includes('='))
        .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
    );
  } catch {
    return undefined;
  }
}
