/**
 * What a run does, from the environment: BENCH_QUICK=1 for a short run (~3 minutes), else the
 * full one (~8–12 minutes on a 2-core machine). Every window can be overridden.
 */
export interface BenchConfig {
  quick: boolean;
  /** Measure a running stack instead of starting one. */
  gatewayUrl: string | undefined;
  /** Processes of every app in the stack the bench starts (BENCH_REPLICAS, default 1). */
  replicas: number;
  /** Offered orders/s, tried in order until one saturates. */
  rates: number[];
  rateSeconds: number;
  warmupSeconds: number;
  idleSeconds: number;
  cpuRate: number;
  cpuSeconds: number;
  sqlIdleSeconds: number;
  sqlOrders: number;
  overloadSeconds: number;
  httpSeconds: number;
  httpConnections: number;
  floorCount: number;
  customers: number;
  products: number;
  pollMs: number;
  /** How long to wait for the last orders of a phase (a TIMEOUT comes after SAGA_TIMEOUT_MS, 30 s). */
  drainSeconds: number;
  seed: number;
}

/** Reads BENCH_* variables; a malformed number throws naming the variable. */
export function readBenchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const quick = env['BENCH_QUICK'] === '1' || env['BENCH_QUICK'] === 'true';
  const number = (name: string, full: number, short: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return quick ? short : full;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`${name} must be a non-negative number (got "${raw}")`);
    return value;
  };
  const rates = env['BENCH_RATES']
    ? env['BENCH_RATES'].split(',').map((part) => {
        const value = Number(part.trim());
        if (!(value > 0))
          throw new Error(`BENCH_RATES must list positive numbers (got "${env['BENCH_RATES']}")`);
        return value;
      })
    : quick
      ? [2, 10, 35]
      : [2, 5, 10, 15, 20, 25, 35, 50];
  return {
    quick,
    gatewayUrl: env['BENCH_GATEWAY_URL'] || undefined,
    replicas: replicasOf(env['BENCH_REPLICAS']),
    rates,
    rateSeconds: number('BENCH_RATE_SECONDS', 20, 6),
    warmupSeconds: number('BENCH_WARMUP_SECONDS', 3, 2),
    idleSeconds: number('BENCH_IDLE_SECONDS', 20, 10),
    cpuRate: number('BENCH_CPU_RATE', 5, 5),
    cpuSeconds: number('BENCH_CPU_SECONDS', 30, 10),
    sqlIdleSeconds: number('BENCH_SQL_IDLE_SECONDS', 5, 3),
    sqlOrders: number('BENCH_SQL_ORDERS', 50, 20),
    overloadSeconds: number('BENCH_OVERLOAD_SECONDS', 60, 15),
    httpSeconds: number('BENCH_HTTP_SECONDS', 10, 4),
    httpConnections: number('BENCH_HTTP_CONNECTIONS', 16, 16),
    floorCount: number('BENCH_FLOOR_COUNT', 500, 200),
    customers: number('BENCH_CUSTOMERS', 20, 8),
    products: number('BENCH_PRODUCTS', 20, 10),
    pollMs: number('BENCH_POLL_MS', 20, 20),
    drainSeconds: number('BENCH_DRAIN_SECONDS', 45, 45),
    seed: number('BENCH_SEED', 20240610, 20240610),
  };
}

/** BENCH_REPLICAS: a whole number ≥ 1, else the run stops naming the variable. */
function replicasOf(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 1;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`BENCH_REPLICAS must be a whole number ≥ 1 (got "${raw}")`);
  return value;
}

/**
 * The platform settings that change what the bench measures (the goals are for the default
 * configuration). Reported with the results whenever the run's environment sets one.
 */
export const TUNING_VARIABLES = [
  'ORDER_BACKLOG_LIMIT',
  'ORDER_BACKLOG_CACHE_MS',
  'DATABASE_POOL_SIZE',
  'DATABASE_POOL_IDLE_MS',
  'KAFKA_PARTITIONS',
  'SAGA_TIMEOUT_MS',
  'BACKEND_MAX_CONCURRENT',
  'LOG_LEVEL',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_TRACES_EXPORTER',
  'OTEL_TRACES_SAMPLER',
  'OTEL_TRACES_SAMPLER_ARG',
  'OTEL_NODE_ENABLED_INSTRUMENTATIONS',
] as const;

/** `NAME=value` for each tuning variable the environment sets; empty for the defaults. */
export function tunedSettings(env: NodeJS.ProcessEnv): string[] {
  return TUNING_VARIABLES.filter((name) => env[name] !== undefined && env[name] !== '').map(
    (name) => `${name}=${env[name]}`,
  );
}
