/**
 * `npm run bench`: the floor and the system in one run, against the goals of issue 10.
 *
 * Where things are (tools/bench/README.md has the longer tour):
 *   config.ts      what a run does (BENCH_QUICK, BENCH_* windows and rates)
 *   system.ts      the stack: started here on free ports, or BENCH_GATEWAY_URL; its pids
 *   floor.ts       raw node http, grpc-js unary, kafkajs produce→consume, Postgres commit
 *   http-load.ts   fixed-concurrency HTTP throughput (autocannon)
 *   gateway.ts     the bench's HTTP client, sessions, seed customers and products
 *   arrivals.ts    the seeded Poisson schedule of the open-model load
 *   saga-load.ts   orders at that schedule, and when each became CONFIRMED or CANCELLED
 *   cpu.ts         CPU per process from /proc, net-of-idle arithmetic
 *   sql.ts         statements and transactions counted from the Postgres statement log
 *   report.ts      the goal table and the markdown report; chart.ts the SVG
 *
 * Prints ratios and writes bench/results/<stamp>.md + .svg and latest.md + latest.svg. Exits 0
 * whatever the figures are; non-zero only when a phase could not run at all.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { WORKSPACE_ROOT } from '@ecommerce/testing';
import { step } from '../scripts/run';
import { renderLatencyChart } from './chart';
import { readBenchConfig, type BenchConfig } from './config';
import { CpuMeter, type CpuSample, IDLE_WINDOWS, idleRates, netCpuPerOrder } from './cpu';
import { measureFloor, startRawHttpServer } from './floor';
import { Gateway, refreshShop, seedShop, type Shop } from './gateway';
import { measureThroughput } from './http-load';
import { renderGoalTable, renderReport } from './report';
import type { BenchResults, CpuResult, RateResult, SqlResult } from './results';
import {
  offerLoad,
  overloadResult,
  type PlacedOrder,
  rateResult,
  saturated,
  TerminalTracker,
} from './saga-load';
import {
  countStatements,
  findServerLog,
  logSize,
  readRange,
  statementTotal,
  StatementLogging,
} from './sql';
import { postmasterPid, type System, bringUpSystem } from './system';

const RESULTS_DIR = join(WORKSPACE_ROOT, 'bench', 'results');

/** Things to undo however the run ends (Ctrl-C included): the statement log setting, the stack. */
const cleanups: Array<() => Promise<void>> = [];

async function cleanUp(): Promise<void> {
  while (cleanups.length > 0)
    await (cleanups.pop() as () => Promise<void>)().catch((error: unknown) =>
      console.error(`cleanup: ${String(error)}`),
    );
}

async function main(): Promise<void> {
  const config = readBenchConfig();
  const results: BenchResults = {
    startedAt: new Date(),
    quick: config.quick,
    target: config.gatewayUrl
      ? `running stack at ${config.gatewayUrl}`
      : `local stack started by the bench (built apps, free ports${config.replicas > 1 ? `, ${config.replicas} processes of every app` : ''})`,
    http: [],
    rates: [],
    sustained: 0,
    notes: [],
  };
  process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));

  step(
    config.gatewayUrl ? `bench: attaching to ${config.gatewayUrl}` : 'bench: starting the stack',
  );
  const system = await bringUpSystem(config.gatewayUrl, config.replicas);
  cleanups.push(system.stop);
  results.notes.push(...system.notes);
  let failed = 0;
  const phase = async (title: string, run: () => Promise<void>) => {
    step(`bench: ${title}`);
    const started = Date.now();
    try {
      await run();
    } catch (error) {
      failed++;
      const message = error instanceof Error ? error.message : String(error);
      results.notes.push(`${title} could not run: ${message}`);
      console.error(`bench: ${title} failed: ${message}`);
    }
    process.stdout.write(`    (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  };

  try {
    const gateway = new Gateway(system.gatewayUrls);
    let shop: Shop | undefined;
    await phase('seed customers and products', async () => {
      shop = await seedShop(gateway, {
        customers: config.customers,
        products: config.products,
        stockEach: 1_000_000,
      });
    });
    if (!shop) throw new Error('no customers or products: nothing to order');
    const seeded = shop;

    await phase('floor', async () => {
      const raw = await startRawHttpServer();
      try {
        results.floor = await measureFloor({
          rawHttpUrl: raw.url,
          kafkaBroker: system.kafkaBroker,
          postgresUrl: system.postgresUrl,
          count: config.floorCount,
        });
        const http = {
          connections: config.httpConnections,
          seconds: config.httpSeconds,
          warmupSeconds: 1,
        };
        results.http.push(await measureThroughput('raw node http', raw.url, http));
      } finally {
        await raw.close();
      }
      const http = {
        connections: config.httpConnections,
        seconds: config.httpSeconds,
        warmupSeconds: 2,
      };
      results.http.push(
        await measureThroughput('gateway /health/live', `${system.gatewayUrl}/health/live`, http),
      );
      results.http.push(
        await measureThroughput(
          'gateway /api/v1/products/:id',
          `${system.gatewayUrl}/api/v1/products/${seeded.productIds[0]}`,
          http,
        ),
      );
    });

    await phase('warm-up orders', async () => {
      await runRate(
        gateway,
        seeded,
        config,
        config.cpuRate,
        0,
        config.warmupSeconds + 3,
        config.seed - 1,
      );
    });

    const meter = new CpuMeter(system.cpuSources);
    let idle: Record<string, number> = {};
    await phase(`idle CPU over ${config.idleSeconds} s`, async () => {
      await sleep(3_000);
      const windowSeconds = config.idleSeconds / IDLE_WINDOWS;
      const windows: Array<Record<string, number>> = [];
      let before = meter.sample();
      for (let i = 0; i < IDLE_WINDOWS; i++) {
        await sleep(windowSeconds * 1000);
        const after = meter.sample();
        windows.push(meter.msBetween(before, after));
        before = after;
      }
      idle = idleRates(windows, windowSeconds);
    });

    await phase(`CPU per order: ${config.cpuRate}/s for ${config.cpuSeconds} s`, async () => {
      results.cpu = await cpuWindow(gateway, seeded, config, meter, idle);
    });

    await phase('SQL statements per order (statement log)', async () => {
      results.sql = await sqlWindow(gateway, seeded, config, system, results.notes);
    });

    await phase(
      `saga sweep: ${config.rates.join(', ')} orders/s, ${config.rateSeconds} s each`,
      async () => {
        for (const [i, rate] of config.rates.entries()) {
          const result = await runRate(
            gateway,
            seeded,
            config,
            rate,
            config.warmupSeconds,
            config.rateSeconds,
            config.seed + i,
          );
          results.rates.push(result);
          printRate(result);
          if (saturated(result)) break;
          results.sustained = rate;
        }
      },
    );

    if (results.sustained > 0) {
      const light = Math.max(0.5, Math.round(results.sustained) / 10);
      await phase(`saga at 10% of sustained: ${light}/s`, async () => {
        results.light = await runRate(
          gateway,
          seeded,
          config,
          light,
          config.warmupSeconds,
          Math.max(config.rateSeconds, (config.quick ? 10 : 30) / light),
          config.seed + 100,
        );
        printRate(results.light);
      });
    } else {
      results.notes.push(
        'no rate was sustained (p99 ≤ 1 s, no failure): no 10% run; the overload offers 2× the lowest rate',
      );
    }

    const base = results.sustained > 0 ? results.sustained : (config.rates[0] as number);
    await phase(`overload: ${2 * base}/s for ${config.overloadSeconds} s`, async () => {
      await refreshShop(seeded);
      const tracker = new TerminalTracker(gateway, seeded, config.pollMs);
      tracker.start();
      const orders = await offerLoad({
        gateway,
        shop: seeded,
        rate: 2 * base,
        warmupMs: 0,
        durationMs: config.overloadSeconds * 1000,
        seed: config.seed + 200,
        onAccepted: (order) => tracker.track(order),
      });
      await tracker.drain(config.drainSeconds * 1000);
      await tracker.stop();
      results.overload = overloadResult(
        2 * base,
        results.sustained,
        config.overloadSeconds,
        orders,
      );
    });
  } finally {
    step('bench: stopping');
    await cleanUp();
  }

  writeReport(results);
  if (failed > 0) process.exitCode = 1;
}

/** One rate of the open-model load, tracked to the end. */
async function runRate(
  gateway: Gateway,
  shop: Shop,
  config: BenchConfig,
  rate: number,
  warmupSeconds: number,
  seconds: number,
  seed: number,
): Promise<RateResult> {
  await refreshShop(shop);
  const tracker = new TerminalTracker(gateway, shop, config.pollMs);
  tracker.start();
  try {
    const orders = await offerLoad({
      gateway,
      shop,
      rate,
      warmupMs: warmupSeconds * 1000,
      durationMs: seconds * 1000,
      seed,
      onAccepted: (order) => tracker.track(order),
    });
    await tracker.drain(config.drainSeconds * 1000);
    return rateResult(rate, seconds, orders);
  } finally {
    await tracker.stop();
  }
}

/**
 * Orders at a steady rate with no latency polling (it would be CPU of the bench's own making),
 * then one tracker until every order is terminal, then a short settle for the tail (the emails).
 * The window is all of that; the idle rate × its length is subtracted.
 */
async function cpuWindow(
  gateway: Gateway,
  shop: Shop,
  config: BenchConfig,
  meter: CpuMeter,
  idle: Record<string, number>,
): Promise<CpuResult> {
  await refreshShop(shop);
  const before: CpuSample = meter.sample();
  const started = performance.now();
  const orders = await offerLoad({
    gateway,
    shop,
    rate: config.cpuRate,
    warmupMs: 0,
    durationMs: config.cpuSeconds * 1000,
    seed: config.seed + 300,
  });
  const accepted = await waitTerminal(gateway, shop, config, orders);
  await sleep(2_000);
  const windowSeconds = (performance.now() - started) / 1000;
  const during = meter.msBetween(before, meter.sample());
  const rows = [...meter.sources.keys()].map((name) => ({
    name,
    idleMsPerSecond: idle[name] ?? Number.NaN,
    windowMs: during[name] ?? Number.NaN,
    perOrderNetMs: netCpuPerOrder({
      cpuMs: during[name] ?? Number.NaN,
      idleMsPerSecond: idle[name] ?? Number.NaN,
      windowSeconds,
      orders: accepted,
    }),
  }));
  const notes = [
    `clock ticks: ${meter.ticksPerSecond}/s (getconf CLK_TCK); the load generator's own CPU is not counted`,
    `the window runs from the first order until all ${accepted} were terminal, plus 2 s (${windowSeconds.toFixed(1)} s)`,
  ];
  return {
    idleSeconds: config.idleSeconds,
    windowSeconds,
    rate: config.cpuRate,
    orders: accepted,
    rows,
    notes,
  };
}

/** Tracks the accepted orders of a load to their end; returns how many were accepted. */
async function waitTerminal(
  gateway: Gateway,
  shop: Shop,
  config: BenchConfig,
  orders: PlacedOrder[],
): Promise<number> {
  const tracker = new TerminalTracker(gateway, shop, 100);
  const accepted = orders.filter((order) => order.httpStatus === 202);
  accepted.forEach((order) => tracker.track(order));
  tracker.start();
  await tracker.drain(config.drainSeconds * 1000);
  await tracker.stop();
  return accepted.length;
}

/**
 * Statement logging on, a quiet stretch (the idle statement rate), orders at the CPU window's
 * rate until every one is terminal plus a settle, logging restored; per order net of idle.
 */
async function sqlWindow(
  gateway: Gateway,
  shop: Shop,
  config: BenchConfig,
  system: System,
  notes: string[],
): Promise<SqlResult | undefined> {
  const client = new Client({ connectionString: system.postgresUrl });
  await client.connect();
  try {
    const log = await findServerLog(client, await postmasterPid(system.postgresUrl));
    if ('missing' in log) {
      notes.push(`SQL statements not counted: ${log.missing}`);
      return undefined;
    }
    await refreshShop(shop);
    const logging = await StatementLogging.enable(client);
    const restore = () => logging.restore();
    cleanups.push(restore);
    const open = new Map<number, boolean>();
    let idleCounts: ReturnType<typeof countStatements>;
    let counts: ReturnType<typeof countStatements>;
    let windowSeconds: number;
    let accepted: number;
    try {
      const idleStart = logSize(log.file);
      await sleep(config.sqlIdleSeconds * 1000);
      const idleEnd = logSize(log.file);
      idleCounts = countStatements(readRange(log.file, idleStart, idleEnd), system.databases, open);
      const started = performance.now();
      const orders = await offerLoad({
        gateway,
        shop,
        rate: config.cpuRate,
        warmupMs: 0,
        durationMs: (config.sqlOrders / config.cpuRate) * 1000,
        seed: config.seed + 400,
      });
      accepted = await waitTerminal(gateway, shop, config, orders);
      await sleep(2_000);
      windowSeconds = (performance.now() - started) / 1000;
      counts = countStatements(
        readRange(log.file, idleEnd, logSize(log.file)),
        system.databases,
        open,
      );
    } finally {
      cleanups.splice(cleanups.indexOf(restore), 1);
      await logging.restore();
    }
    const rows = system.databases.map((database) => {
      const idle = idleCounts[database] ?? { statements: {}, transactions: 0 };
      const window = counts[database] ?? { statements: {}, transactions: 0 };
      const idleRate = statementTotal(idle) / config.sqlIdleSeconds;
      const kinds = new Set([...Object.keys(idle.statements), ...Object.keys(window.statements)]);
      const byKind = Object.fromEntries(
        [...kinds].map((kind) => [
          kind,
          ((window.statements[kind] ?? 0) -
            ((idle.statements[kind] ?? 0) / config.sqlIdleSeconds) * windowSeconds) /
            accepted,
        ]),
      );
      return {
        database,
        statementsPerOrder: (statementTotal(window) - idleRate * windowSeconds) / accepted,
        transactionsPerOrder:
          (window.transactions - (idle.transactions / config.sqlIdleSeconds) * windowSeconds) /
          accepted,
        idleStatementsPerSecond: idleRate,
        byKind,
      };
    });
    return {
      orders: accepted,
      windowSeconds,
      rows,
      notes: [
        `counted from ${log.file}, log_statement = 'all' for this window only (restored after)`,
        `idle rate from ${config.sqlIdleSeconds} s with logging on, subtracted over the ${windowSeconds.toFixed(1)} s window`,
      ],
    };
  } finally {
    await client.end();
  }
}

function printRate(r: RateResult): void {
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
  process.stdout.write(
    `    ${r.offered}/s: ${r.accepted}/${r.sent} accepted, POST p50 ${f(r.post.p50)} ms, →terminal p50/p90/p99 ${f(r.terminal.p50)}/${f(r.terminal.p90)}/${f(r.terminal.p99)} ms, ` +
      `${r.confirmed} CONFIRMED, cancelled ${JSON.stringify(r.cancelled)}, ${r.unfinished} unfinished, ${r.refused + r.errors} refused/failed${saturated(r) ? '  → saturated' : ''}\n`,
  );
}

function writeReport(results: BenchResults): void {
  const stamp = results.startedAt.toISOString().slice(0, 16).replace('T', '-').replace(':', '');
  const chart = renderLatencyChart({
    title: `Saga POST → terminal vs offered rate (${stamp} UTC${results.quick ? ', quick' : ''})`,
    points: results.rates.map((r) => ({
      rate: r.offered,
      p50: r.terminal.p50,
      p90: r.terminal.p90,
      p99: r.terminal.p99,
    })),
    floorMs: results.floor?.criticalPathMs ?? Number.NaN,
    boundMs: 1000,
  });
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${stamp}.md`), renderReport(results, `${stamp}.svg`));
  writeFileSync(join(RESULTS_DIR, `${stamp}.svg`), chart);
  writeFileSync(join(RESULTS_DIR, 'latest.md'), renderReport(results, 'latest.svg'));
  writeFileSync(join(RESULTS_DIR, 'latest.svg'), chart);
  process.stdout.write(
    `\n${renderReport(results)}\n${renderGoalTable(results)}\n\nwritten: bench/results/${stamp}.md, ${stamp}.svg, latest.md, latest.svg\n`,
  );
}

main().catch(async (error: unknown) => {
  await cleanUp();
  console.error(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exitCode = 1;
});
