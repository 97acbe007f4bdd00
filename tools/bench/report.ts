/**
 * The printed table and the markdown report: the issue's goals with the measured value and the
 * ratio next to each. Pure (results in, text out), so the rendering is tested; nothing here
 * fails a run: a missed goal is a row that says so.
 */
import { IDLE_WINDOWS } from './cpu';
import type { BenchResults, RateResult } from './results';

export type Verdict = 'met' | 'missed' | 'n/a';

export interface GoalRow {
  figure: string;
  goal: string;
  measured: string;
  verdict: Verdict;
}

const ms = (value: number, digits = 1) =>
  Number.isFinite(value) ? `${value.toFixed(digits)} ms` : '–';
const num = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '–');
const verdict = (ok: boolean | undefined): Verdict =>
  ok === undefined ? 'n/a' : ok ? 'met' : 'missed';
/** `ok` of a measured value, n/a when it could not be measured. */
const check = (value: number | undefined, ok: (v: number) => boolean): Verdict =>
  value === undefined || !Number.isFinite(value) ? 'n/a' : verdict(ok(value));

/** The goals of issue 10 with what this run measured. */
export function goalRows(results: BenchResults): GoalRow[] {
  const cpuTotal = results.cpu ? sum(results.cpu.rows.map((row) => row.perOrderNetMs)) : undefined;
  const idleTotal = results.cpu
    ? sum(results.cpu.rows.map((row) => row.idleMsPerSecond))
    : undefined;
  const statements = results.sql
    ? sum(results.sql.rows.map((row) => row.statementsPerOrder))
    : undefined;
  const floor = results.floor?.criticalPathMs;
  const light = results.light;
  const p50Ratio = light && floor ? light.terminal.p50 / floor : undefined;
  const p99Ratio = light && floor ? light.terminal.p99 / floor : undefined;
  const raw = results.http.find((h) => h.name === 'raw node http');
  const live = results.http.find((h) => h.name === 'gateway /health/live');
  const product = results.http.find((h) => h.name === 'gateway /api/v1/products/:id');
  const liveRatio = raw && live ? live.reqPerSec / raw.reqPerSec : undefined;
  const overload = results.overload;
  const goodputRatio =
    overload && overload.sustained > 0 ? overload.goodputPerSecond / overload.sustained : undefined;

  const rows: GoalRow[] = [
    {
      figure: 'CPU per order, net of idle (all processes)',
      goal: '≤ 30 ms',
      measured: cpuTotal === undefined ? 'not measured' : ms(cpuTotal),
      verdict: check(cpuTotal, (v) => v <= 30),
    },
    {
      figure: 'idle stack CPU',
      goal: '≤ 60 ms/s',
      measured: idleTotal === undefined ? 'not measured' : `${num(idleTotal)} ms/s`,
      verdict: check(idleTotal, (v) => v <= 60),
    },
    {
      figure: 'SQL statements per order (all services)',
      goal: '≤ 30',
      measured: statements === undefined ? 'not measured' : num(statements),
      verdict: check(statements, (v) => v <= 30),
    },
    {
      figure: 'sustained throughput, saga p99 ≤ 1 s',
      goal: '≥ 50 orders/s',
      measured: `${num(results.sustained, 1)} orders/s (highest rate tried: ${num(Math.max(0, ...results.rates.map((r) => r.offered)), 0)}/s)`,
      verdict: check(results.sustained, (v) => v >= 50),
    },
    {
      figure: `saga p50 at 10% of that${light ? ` (${num(light.offered, 1)}/s)` : ''}`,
      goal: '≤ 2× floor',
      measured:
        light && floor
          ? `${ms(light.terminal.p50)} = ${ratio(p50Ratio as number)} floor (${ms(floor)})`
          : 'not measured',
      verdict: check(p50Ratio, (v) => v <= 2),
    },
    {
      figure: 'saga p99 at 10% of that',
      goal: '≤ 3× floor',
      measured:
        light && floor
          ? `${ms(light.terminal.p99)} = ${ratio(p99Ratio as number)} floor`
          : 'not measured',
      verdict: check(p99Ratio, (v) => v <= 3),
    },
    {
      figure: 'gateway GET /health/live',
      goal: '≥ 0.7× raw node http',
      measured:
        raw && live
          ? `${num(live.reqPerSec, 0)} req/s = ${ratio(liveRatio as number)} raw (${num(raw.reqPerSec, 0)} req/s)`
          : 'not measured',
      verdict: check(liveRatio, (v) => v >= 0.7),
    },
    {
      figure: 'gateway GET /api/v1/products/:id',
      goal: '≥ 2000 req/s',
      measured: product
        ? `${num(product.reqPerSec, 0)} req/s, p50 ${ms(product.p50Ms, 0)}`
        : 'not measured',
      verdict: check(product?.reqPerSec, (v) => v >= 2000),
    },
  ];
  if (!overload) {
    rows.push({
      figure: 'overload at 2× sustained',
      goal: 'see below',
      measured: 'not measured',
      verdict: 'n/a',
    });
    return rows;
  }
  rows.push(
    {
      figure: `overload ${num(overload.offered)}/s for ${overload.seconds} s: accepted orders that time out`,
      goal: '0 (every accepted order completes)',
      measured: `${overload.cancelledTimeout} TIMEOUT, ${overload.unfinished} unfinished of ${overload.accepted} accepted (${overload.confirmed} CONFIRMED)`,
      verdict: verdict(overload.cancelledTimeout === 0 && overload.unfinished === 0),
    },
    {
      figure: 'overload goodput (CONFIRMED within 1 s, per s)',
      goal: '≥ 90% of sustained',
      measured:
        goodputRatio === undefined
          ? `${num(overload.goodputPerSecond)}/s (no sustained rate to compare)`
          : `${num(overload.goodputPerSecond)}/s = ${(goodputRatio * 100).toFixed(0)}% of ${num(overload.sustained)}/s`,
      verdict: check(goodputRatio, (v) => v >= 0.9),
    },
    {
      figure: 'overload excess refused fast (429/503 + Retry-After)',
      goal: 'refused, not queued',
      measured:
        overload.refused === 0
          ? 'none refused'
          : `${overload.refused} refused (${overload.refusedWithRetryAfter} with Retry-After), p99 ${ms(overload.refusal.p99)}`,
      verdict: verdict(
        overload.refused > 0 &&
          overload.refusedWithRetryAfter === overload.refused &&
          overload.refusal.p99 <= 100,
      ),
    },
  );
  return rows;
}

/** A markdown table; cells are escaped for `|`. */
export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  return [
    `| ${headers.map(cell).join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** The goal table alone: what the console shows first. */
export function renderGoalTable(results: BenchResults): string {
  return markdownTable(
    ['figure', 'goal', 'measured', ''],
    goalRows(results).map((row) => [row.figure, row.goal, row.measured, row.verdict]),
  );
}

const summaryCells = (s: { p50: number; p90: number; p99: number }) => [
  ms(s.p50),
  ms(s.p90),
  ms(s.p99),
];

function rateRow(r: RateResult): string[] {
  const cancelled = Object.entries(r.cancelled)
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
  return [
    num(r.offered, 1),
    String(r.sent),
    String(r.accepted),
    ...summaryCells(r.post),
    ...summaryCells(r.terminal),
    String(r.confirmed),
    cancelled || '0',
    String(r.unfinished + r.errors + r.refused),
    ms(r.sendLagP99Ms, 0),
  ];
}

/** The whole report: goals, then every measured table, then how each figure was measured. */
export function renderReport(results: BenchResults, chartFile?: string): string {
  const out: string[] = [];
  const stamp = results.startedAt.toISOString().replace('T', ' ').slice(0, 16);
  out.push(
    `# Benchmark ${stamp} UTC${results.quick ? ' (quick run)' : ''}`,
    '',
    `Target: ${results.target}. Produced by \`npm run bench\` (tools/bench). Goals from issue 10; a goal missed is reported, never asserted.`,
    '',
    '## Goals',
    '',
    renderGoalTable(results),
    '',
  );
  if (chartFile) out.push(`![saga latency against offered rate](${chartFile})`, '');
  if (results.floor) {
    const f = results.floor;
    out.push(
      '## Floor (sequential round trips on loopback, same run)',
      '',
      markdownTable(
        ['component', 'n', 'p50', 'p90', 'p99'],
        [
          ['raw node http (keep-alive)', f.http],
          ['grpc-js unary', f.grpc],
          ['kafkajs produce → consume, acks=all', f.kafka],
          ['Postgres single-row INSERT + COMMIT', f.pgCommit],
        ].map(([name, s]) => [
          name as string,
          String((s as typeof f.http).count),
          ...summaryCells(s as typeof f.http),
        ]),
      ),
      '',
      `Critical-path floor of one saga = 4 × commit + 4 × produce→consume + 1 gRPC + 1 HTTP (p50s) = **${ms(f.criticalPathMs)}**.`,
      '',
    );
  }
  if (results.http.length) {
    out.push(
      '## HTTP throughput (autocannon, fixed concurrency; latency resolution 1 ms)',
      '',
      markdownTable(
        ['target', 'req/s', 'p50', 'p99', 'non-2xx', 'errors'],
        results.http.map((h) => [
          h.name,
          num(h.reqPerSec, 0),
          ms(h.p50Ms, 0),
          ms(h.p99Ms, 0),
          String(h.non2xx),
          String(h.errors),
        ]),
      ),
      '',
    );
  }
  if (results.rates.length) {
    out.push(
      '## Saga under open-model (Poisson) load',
      '',
      markdownTable(
        [
          'offered/s',
          'sent',
          'accepted',
          'POST p50',
          'p90',
          'p99',
          '→terminal p50',
          'p90',
          'p99',
          'CONFIRMED',
          'CANCELLED',
          'failed',
          'send lag p99',
        ],
        [...results.rates, ...(results.light ? [results.light] : [])].map(rateRow),
      ),
      '',
      `Sustained (highest rate with p99 POST→terminal ≤ 1 s and no failed order): **${num(results.sustained)} orders/s**.` +
        (results.light ? ` The last row is the run at 10% of it.` : ''),
      '',
    );
  }
  if (results.cpu) {
    const c = results.cpu;
    out.push(
      `## CPU per process (idle: median of ${IDLE_WINDOWS} windows over ${c.idleSeconds} s; ${c.orders} orders at ${c.rate}/s over a ${num(c.windowSeconds)} s window)`,
      '',
      markdownTable(
        ['process', 'idle ms/s', 'window ms', 'per order, net of idle'],
        [
          ...c.rows.map((row) => [
            row.name,
            num(row.idleMsPerSecond),
            num(row.windowMs, 0),
            ms(row.perOrderNetMs),
          ]),
          [
            '**total**',
            num(sum(c.rows.map((r) => r.idleMsPerSecond))),
            num(sum(c.rows.map((r) => r.windowMs)), 0),
            ms(sum(c.rows.map((r) => r.perOrderNetMs))),
          ],
        ],
      ),
      '',
      ...c.notes.map((note) => `- ${note}`),
      '',
    );
  }
  if (results.sql) {
    const s = results.sql;
    out.push(
      `## SQL per order (${s.orders} orders, server statement log, net of idle)`,
      '',
      markdownTable(
        ['database', 'statements/order', 'by keyword', 'transactions/order', 'idle statements/s'],
        [
          ...s.rows.map((row) => [
            row.database,
            num(row.statementsPerOrder),
            Object.entries(row.byKind)
              // Kinds only the idle work runs net out to about zero: noise, not per-order work.
              .filter(([, n]) => Math.abs(n) >= 0.05)
              .sort((a, b) => b[1] - a[1])
              .map(([kind, n]) => `${kind} ${n.toFixed(1)}`)
              .join(', '),
            num(row.transactionsPerOrder),
            num(row.idleStatementsPerSecond),
          ]),
          [
            '**total**',
            num(sum(s.rows.map((r) => r.statementsPerOrder))),
            '',
            num(sum(s.rows.map((r) => r.transactionsPerOrder))),
            num(sum(s.rows.map((r) => r.idleStatementsPerSecond))),
          ],
        ],
      ),
      '',
      ...s.notes.map((note) => `- ${note}`),
      '',
    );
  }
  if (results.overload) {
    const o = results.overload;
    out.push(
      `## Overload: ${num(o.offered)} orders/s offered (2× sustained ${num(o.sustained)}/s) for ${o.seconds} s`,
      '',
      markdownTable(
        [
          'sent',
          'accepted',
          'CONFIRMED',
          'CANCELLED TIMEOUT',
          'CANCELLED other',
          'unfinished',
          'refused (429/503)',
          'with Retry-After',
          'refusal p50 / p99',
          'other errors',
          'goodput/s',
        ],
        [
          [
            String(o.sent),
            String(o.accepted),
            String(o.confirmed),
            String(o.cancelledTimeout),
            String(o.cancelledOther),
            String(o.unfinished),
            String(o.refused),
            String(o.refusedWithRetryAfter),
            `${ms(o.refusal.p50)} / ${ms(o.refusal.p99)}`,
            String(o.errors),
            num(o.goodputPerSecond),
          ],
        ],
      ),
      '',
    );
  }
  if (results.notes.length)
    out.push('## Notes', '', ...results.notes.map((note) => `- ${note}`), '');
  out.push(METHOD);
  return `${out.join('\n')}\n`;
}

const METHOD = `## Method

- **Floor**: sequential round trips on loopback from the bench process: a raw node \`http\`
  server (keep-alive), a trivial grpc-js unary service, kafkajs produce → consume on a fresh
  one-partition topic (acks=all, consumer maxWaitTimeInMs 5), and a single-row INSERT committed
  on a regular table in a scratch schema (a TEMP table writes no WAL, so its commit would not
  wait for a flush). The saga's critical path floor is 4 commits + 4 produce→consume + 1 gRPC
  unary + 1 HTTP round trip, from the p50s.
- **HTTP throughput**: autocannon at fixed concurrency, the same client for the raw node server
  and the gateway, each after a short warm-up run.
- **Saga**: Poisson arrivals at a fixed rate (seeded), never waiting for responses; a warm-up
  part of each rate is not counted. POST latency is send → 202. Terminal time is the first
  admin listing \`GET /api/v1/orders?status=PENDING\` (all pages, polled back to back every
  ~20 ms) that no longer holds the order, confirmed by one \`GET /api/v1/orders/:id\` that also
  gives CONFIRMED or CANCELLED and the reason: an upper bound within one poll. A rate is
  saturated when its p99 POST → terminal exceeds 1 s or any order failed; the sweep stops there.
- **CPU**: utime + stime from /proc/<pid>/stat for each app, the Kafka JVM and the Postgres
  cluster (postmaster + reaped backends via cutime/cstime + live backends). Idle: per process,
  the median of consecutive windows of a quiet stretch. Per order: orders at a steady rate, the window running until every order is terminal
  plus a short settle; (CPU − idle rate × window) / orders. No latency polling in that window.
- **SQL**: \`log_statement = 'all'\` via ALTER SYSTEM + pg_reload_conf for a separate window only
  (restored afterwards, also on failure), statements counted per service database from the
  server log; transactions per backend from BEGIN/COMMIT and autocommit statements. Net of the
  idle rate measured with logging on just before.
`;

function sum(values: readonly number[]): number {
  return values.filter(Number.isFinite).reduce((total, value) => total + value, 0);
}
