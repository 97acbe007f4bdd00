import { type Bucket, type BucketState, type Decision, decide } from './token-buckets';

/** How many buckets one instance keeps at most, unless told otherwise: about 40 MB at worst. */
export const DEFAULT_MAX_KEYS = 100_000;

export interface MemoryTokenBucketsOptions {
  /** The clock, in ms since the epoch (`Date.now` unless a test drives the time). */
  now?: () => number;
  /** Buckets kept at most; past it the least recently charged one is dropped. */
  maxKeys?: number;
}

interface Level {
  tokens: number;
  /** When `tokens` was computed (ms). */
  ts: number;
  /** When the bucket will be full again, and so need not be kept (ms). */
  fullAt: number;
}

/**
 * The token buckets of `RedisTokenBuckets` (token-buckets.ts) in this process's memory: what the
 * gateway decides by while Redis is unreachable. Each instance then limits on its own, so
 * behind N instances a client may get up to N times the limits, but never unlimited.
 *
 * Home-made for the reason token-buckets.ts gives: the usual limiters (rate-limiter-flexible's
 * memory store and the like) count fixed or sliding windows, not the token bucket the API
 * promises, and using one here would change the headers and the limits a client sees the
 * moment Redis goes away. This is the Lua script line for line (same refill, same rounding,
 * all buckets or none, the same tightest bucket), so the two keep one contract:
 * memory-token-buckets.spec.ts runs the cases of token-buckets.integration-spec.ts.
 *
 * Memory is bounded: a bucket is dropped once it would be full again (Redis expires its key
 * then too; a missing bucket is a full one), and past `maxKeys` the least recently charged
 * bucket is dropped, which at worst hands that client a full bucket early.
 */
export class MemoryTokenBuckets {
  /** In the order they were last charged, oldest first (a Map keeps insertion order). */
  private readonly levels = new Map<string, Level>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(options: MemoryTokenBucketsOptions = {}) {
    this.now = options.now ?? (() => Date.now());
    this.maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  }

  /** How many buckets are held (not yet full again, or not yet dropped). */
  get size(): number {
    return this.levels.size;
  }

  /** Takes a token from every bucket when each has one, else from none. */
  take(buckets: Bucket[]): Decision {
    const now = Math.floor(this.now());
    this.dropFull(now);
    // Every level first, then the writes: as in the script, a key named twice is charged once.
    const levels = buckets.map((bucket) => ({ bucket, tokens: this.level(bucket, now) }));
    const allowed = levels.every(({ tokens }) => tokens >= 1);
    const states = levels.map(({ bucket, tokens: level }): BucketState => {
      const rate = bucket.perSecond / 1000;
      const tokens = allowed ? level - 1 : level;
      const resetMs = Math.ceil((bucket.capacity - tokens) / rate);
      if (allowed) this.store(bucket.key, { tokens: luaStored(tokens), ts: now, fullAt: now + resetMs });
      return {
        bucket,
        remaining: Math.max(0, Math.floor(tokens)),
        retryAfterMs: tokens < 1 ? Math.ceil((1 - tokens) / rate) : 0,
        resetMs,
      };
    });
    return decide(allowed, states);
  }

  private level({ key, capacity, perSecond }: Bucket, now: number): number {
    const level = this.levels.get(key);
    if (!level) return capacity;
    return Math.min(capacity, level.tokens + Math.max(0, now - level.ts) * (perSecond / 1000));
  }

  private store(key: string, level: Level): void {
    this.levels.delete(key); // to the back: the most recently charged
    this.levels.set(key, level);
    for (const oldest of this.levels.keys()) {
      if (this.levels.size <= this.maxKeys) break;
      this.levels.delete(oldest);
    }
  }

  /**
   * Drops the buckets that are full again, oldest first, up to the first that is not: cheap
   * on every request, and a bucket left behind a slower one is dropped soon after it.
   */
  private dropFull(now: number): void {
    for (const [key, level] of this.levels) {
      if (level.fullAt > now) return;
      this.levels.delete(key);
    }
  }
}

/**
 * The level as Redis keeps it: the script stores `tostring(tokens)`, which Lua writes with 14
 * significant digits. Rounding alike keeps the two from drifting apart by a token at the edge.
 */
function luaStored(tokens: number): number {
  return Number(tokens.toPrecision(14));
}
