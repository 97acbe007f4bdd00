import { idleRates, netCpuPerOrder, parseListeningSockets, parseProcStat, treeTicks } from './cpu';

// A real line's shape: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt
// cmajflt utime stime cutime cstime ...
const statLine = (comm: string) =>
  `4242 (${comm}) S 2205 4242 4242 0 -1 4194560 1200 0 3 0 1234 567 89 10 20 0 1 0 555 123456 789 18446744073709551615`;

describe('parseProcStat', () => {
  it('reads the ppid and the CPU ticks', () => {
    expect(parseProcStat(statLine('node'))).toEqual({
      pid: 4242,
      comm: 'node',
      state: 'S',
      ppid: 2205,
      utime: 1234,
      stime: 567,
      cutime: 89,
      cstime: 10,
    });
  });

  it('splits after the last parenthesis: a comm with spaces and parentheses', () => {
    const stat = parseProcStat(statLine('postgres: 15/main: (idle) x) y'));
    expect(stat.comm).toBe('postgres: 15/main: (idle) x) y');
    expect(stat.ppid).toBe(2205);
    expect(stat.utime + stat.stime).toBe(1801);
  });

  it('refuses what is not a stat line', () => {
    expect(() => parseProcStat('hello')).toThrow();
    expect(() => parseProcStat('1 (x) S 1')).toThrow();
  });
});

describe('treeTicks', () => {
  it('counts the parent, its reaped children and its live children', () => {
    const parent = parseProcStat(statLine('postgres'));
    const child = {
      ...parent,
      pid: 5000,
      ppid: 4242,
      utime: 7,
      stime: 3,
      cutime: 1000,
      cstime: 1000,
    };
    // A child's own cutime belongs to its own children, which a backend does not have: not counted.
    expect(treeTicks(parent, [child])).toBe(1234 + 567 + 89 + 10 + 7 + 3);
  });
});

describe('netCpuPerOrder', () => {
  it('subtracts the idle rate over the window, then divides by the orders', () => {
    // 30 s at 5/s: 150 orders; 9,000 ms of CPU of which 30 s × 50 ms/s is idle.
    expect(
      netCpuPerOrder({ cpuMs: 9_000, idleMsPerSecond: 50, windowSeconds: 30, orders: 150 }),
    ).toBe(50);
  });

  it('may go below zero for a process the orders do not touch (noise), and is NaN for no orders', () => {
    expect(netCpuPerOrder({ cpuMs: 90, idleMsPerSecond: 10, windowSeconds: 10, orders: 10 })).toBe(
      -1,
    );
    expect(
      netCpuPerOrder({ cpuMs: 90, idleMsPerSecond: 10, windowSeconds: 10, orders: 0 }),
    ).toBeNaN();
  });
});

describe('idleRates', () => {
  it('is the median window per process, in ms/s: a one-off in one window does not count', () => {
    const windows = [
      { app: 10, gc: 0 },
      { app: 10, gc: 250 },
      { app: 20, gc: 0 },
      { app: 10, gc: 10 },
      { app: 30, gc: 0 },
    ];
    expect(idleRates(windows, 4)).toEqual({ app: 2.5, gc: 0 });
  });

  it('averages the middle two of an even count, and leaves out a process no window has', () => {
    expect(idleRates([{ app: 10 }, { app: 30, late: 8 }], 2)).toEqual({ app: 10, late: 4 });
    expect(idleRates([], 2)).toEqual({});
  });
});

describe('parseListeningSockets', () => {
  it('maps listening ports to socket inodes and skips other states', () => {
    const table = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31337 1 0000000000000000 100 0 0 10 0',
      '   1: 0100007F:0BB8 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 31338 1 0000000000000000 20 4 30 10 -1',
    ].join('\n');
    expect(parseListeningSockets(table)).toEqual(new Map([[3000, [31337]]]));
  });
});
