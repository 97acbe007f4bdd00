import { goalRows, markdownTable, renderGoalTable, renderReport } from './report';
import type { BenchResults } from './results';
import { summarize } from './stats';

const s = (...values: number[]) => summarize(values);

function results(overrides: Partial<BenchResults> = {}): BenchResults {
  return {
    startedAt: new Date('2025-01-02T03:04:00Z'),
    quick: true,
    target: 'test',
    floor: { http: s(0.1), grpc: s(0.2), kafka: s(2), pgCommit: s(1), criticalPathMs: 12.3 },
    http: [
      { name: 'raw node http', reqPerSec: 10_000, p50Ms: 1, p99Ms: 2, non2xx: 0, errors: 0 },
      { name: 'gateway /health/live', reqPerSec: 1_500, p50Ms: 9, p99Ms: 20, non2xx: 0, errors: 0 },
      {
        name: 'gateway /api/v1/products/:id',
        reqPerSec: 2_500,
        p50Ms: 5,
        p99Ms: 9,
        non2xx: 0,
        errors: 0,
      },
    ],
    rates: [],
    sustained: 10,
    light: {
      offered: 1,
      seconds: 20,
      sent: 20,
      accepted: 20,
      refused: 0,
      errors: 0,
      post: s(5),
      terminal: s(20, 30, 40),
      confirmed: 20,
      cancelled: {},
      unfinished: 0,
      sendLagP99Ms: 1,
      goodputPerSecond: 1,
    },
    cpu: {
      idleSeconds: 10,
      windowSeconds: 30,
      rate: 5,
      orders: 150,
      notes: [],
      rows: [
        { name: 'gateway', idleMsPerSecond: 10, windowMs: 900, perOrderNetMs: 4 },
        { name: 'order-service', idleMsPerSecond: 40, windowMs: 9_000, perOrderNetMs: 50 },
      ],
    },
    notes: [],
    ...overrides,
  };
}

const row = (r: BenchResults, start: string) => goalRows(r).find((g) => g.figure.startsWith(start));

describe('goalRows', () => {
  it('sums CPU per order and idle CPU over the processes and judges them against the goals', () => {
    expect(row(results(), 'CPU per order')).toMatchObject({
      measured: '54.0 ms',
      verdict: 'missed',
    });
    expect(row(results(), 'idle stack CPU')).toMatchObject({
      measured: '50.0 ms/s',
      verdict: 'met',
    });
  });

  it('gives the saga at 10% as a ratio to the floor', () => {
    const p50 = row(results(), 'saga p50');
    expect(p50?.measured).toContain('2.44× floor');
    expect(p50?.verdict).toBe('missed');
    expect(row(results(), 'saga p99')?.measured).toContain('3.25× floor');
  });

  it('gives the probe as a ratio to the raw server and the read path in req/s', () => {
    expect(row(results(), 'gateway GET /health/live')).toMatchObject({ verdict: 'missed' });
    expect(row(results(), 'gateway GET /health/live')?.measured).toContain('0.15× raw');
    expect(row(results(), 'gateway GET /api/v1/products/:id')).toMatchObject({ verdict: 'met' });
  });

  it('says "not measured" and n/a for what a run could not measure', () => {
    const r = results({ cpu: undefined, sql: undefined, overload: undefined });
    expect(row(r, 'CPU per order')).toMatchObject({ measured: 'not measured', verdict: 'n/a' });
    expect(row(r, 'SQL statements')).toMatchObject({ measured: 'not measured', verdict: 'n/a' });
    expect(row(r, 'overload')).toMatchObject({ verdict: 'n/a' });
  });

  it('judges the overload: timeouts, goodput against sustained, refusals with Retry-After', () => {
    const r = results({
      overload: {
        offered: 20,
        sustained: 10,
        seconds: 60,
        sent: 1200,
        accepted: 600,
        refused: 600,
        refusedWithRetryAfter: 600,
        refusal: s(2, 3),
        errors: 0,
        confirmed: 600,
        cancelledTimeout: 0,
        cancelledOther: 0,
        unfinished: 0,
        goodputPerSecond: 9.5,
      },
    });
    expect(row(r, 'overload 20.0/s')).toMatchObject({ verdict: 'met' });
    expect(row(r, 'overload goodput')).toMatchObject({
      measured: '9.5/s = 95% of 10.0/s',
      verdict: 'met',
    });
    expect(row(r, 'overload excess')).toMatchObject({ verdict: 'met' });
  });
});

describe('rendering', () => {
  it('escapes pipes in markdown cells', () => {
    expect(markdownTable(['a'], [['x|y']])).toBe('| a |\n|---|\n| x\\|y |');
  });

  it('renders the goal table with one row per goal', () => {
    const table = renderGoalTable(results());
    expect(table.split('\n')).toHaveLength(2 + goalRows(results()).length);
    expect(table).toContain(
      '| CPU per order, net of idle (all processes) | ≤ 30 ms | 54.0 ms | missed |',
    );
  });

  it('renders the report with the chart, the floor, the CPU breakdown and the method', () => {
    const report = renderReport(results(), 'latest.svg');
    expect(report).toContain('![saga latency against offered rate](latest.svg)');
    expect(report).toContain('**12.3 ms**');
    expect(report).toContain('| order-service | 40.0 | 9000 | 50.0 ms |');
    expect(report).toContain('## Method');
  });
});
