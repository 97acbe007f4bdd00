/** What one run measured: the shapes the phases fill and the report renders. */
import type { Summary } from './stats';

/** Sequential round trips of one floor component (ms). */
export interface FloorResult {
  http: Summary;
  grpc: Summary;
  kafka: Summary;
  pgCommit: Summary;
  /** 4 Postgres commits + 4 Kafka produce→consume + 1 gRPC unary + 1 HTTP round trip, from the p50s. */
  criticalPathMs: number;
}

/** A fixed-concurrency HTTP load (autocannon) against one URL. */
export interface HttpResult {
  name: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/** The saga at one offered rate, open model. */
export interface RateResult {
  offered: number;
  seconds: number;
  /** Orders sent in the measured part (after warm-up). */
  sent: number;
  accepted: number;
  /** 429 or 503 answers to POST. */
  refused: number;
  /** Other failures of POST (non-202, network). */
  errors: number;
  post: Summary;
  terminal: Summary;
  confirmed: number;
  cancelled: Record<string, number>;
  /** Accepted but not terminal when the bench stopped waiting. */
  unfinished: number;
  /** How late the generator sent orders against its schedule (p99, ms): large means the client lagged. */
  sendLagP99Ms: number;
  /** Orders CONFIRMED within 1 s of their POST, per second of the window. */
  goodputPerSecond: number;
}

/** One process (or group) of the stack: idle rate, the steady window, and per order. */
export interface CpuRow {
  name: string;
  idleMsPerSecond: number;
  windowMs: number;
  perOrderNetMs: number;
}

export interface CpuResult {
  idleSeconds: number;
  windowSeconds: number;
  rate: number;
  orders: number;
  rows: CpuRow[];
  notes: string[];
}

/** One service database in the statement-logging window. */
export interface SqlRow {
  database: string;
  statementsPerOrder: number;
  transactionsPerOrder: number;
  idleStatementsPerSecond: number;
  /** Per order net of idle, by leading keyword. */
  byKind: Record<string, number>;
}

export interface SqlResult {
  orders: number;
  windowSeconds: number;
  rows: SqlRow[];
  notes: string[];
}

export interface OverloadResult {
  offered: number;
  sustained: number;
  seconds: number;
  sent: number;
  accepted: number;
  refused: number;
  refusedWithRetryAfter: number;
  refusal: Summary;
  errors: number;
  confirmed: number;
  cancelledTimeout: number;
  cancelledOther: number;
  unfinished: number;
  goodputPerSecond: number;
}

export interface BenchResults {
  startedAt: Date;
  quick: boolean;
  target: string;
  floor?: FloorResult;
  http: HttpResult[];
  rates: RateResult[];
  /** Highest offered rate with p99 POST→terminal ≤ 1 s and no failed order (0 when none). */
  sustained: number;
  /** The saga at 10% of the sustained rate. */
  light?: RateResult;
  cpu?: CpuResult;
  sql?: SqlResult;
  overload?: OverloadResult;
  notes: string[];
}
