import type Redis from 'ioredis';

/** One token bucket: holds up to `capacity` tokens, refilled continuously at `perSecond`. */
export interface Bucket {
  key: string;
  capacity: number;
  perSecond: number;
}

export interface BucketState {
  bucket: Bucket;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Until one token is available again (0 when one is). */
  retryAfterMs: number;
  /** Until the bucket is full again. */
  resetMs: number;
}

export interface Decision {
  allowed: boolean;
  /** The bucket with the fewest tokens left: the one a client should pace itself by. */
  tightest: BucketState;
}

/**
 * Why a Lua script rather than a library: the usual Redis limiters (rate-limiter-flexible
 * and the like) count requests in fixed or sliding windows, which is not the token bucket
 * the API promises ("50 per second sustained, bursts of 100") and lets a client double its
 * rate across a window boundary. A token bucket is a few lines of Lua, and Redis runs a
 * script atomically, so every gateway instance sees one consistent bucket with no race
 * between reading and taking. The clock is Redis's own (TIME), so the instances' clocks
 * need not agree.
 *
 * All buckets are checked together and a token is taken from each only when every one
 * has one: a request refused by its login bucket does not also drain the general one.
 *
 * KEYS: bucket keys. ARGV: capacity and tokens-per-millisecond, per key.
 * Returns: allowed (1/0), then per key: remaining, ms until one token, ms until full.
 */
const TAKE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local levels = {}
local allowed = 1
for i, key in ipairs(KEYS) do
  local capacity = tonumber(ARGV[2 * i - 1])
  local rate = tonumber(ARGV[2 * i])
  local state = redis.call('HMGET', key, 'tokens', 'ts')
  local tokens = tonumber(state[1]) or capacity
  local ts = tonumber(state[2]) or now
  tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate)
  levels[i] = tokens
  if tokens < 1 then allowed = 0 end
end
local result = { allowed }
for i, key in ipairs(KEYS) do
  local capacity = tonumber(ARGV[2 * i - 1])
  local rate = tonumber(ARGV[2 * i])
  local tokens = levels[i]
  if allowed == 1 then
    tokens = tokens - 1
    redis.call('HSET', key, 'tokens', tostring(tokens), 'ts', now)
    redis.call('PEXPIRE', key, math.ceil((capacity - tokens) / rate) + 1000)
  end
  local retry = 0
  if tokens < 1 then retry = math.ceil((1 - tokens) / rate) end
  table.insert(result, math.floor(tokens))
  table.insert(result, retry)
  table.insert(result, math.ceil((capacity - tokens) / rate))
end
return result
`;

type RedisWithTake = Redis & { takeTokens(numKeys: number, ...args: (string | number)[]): Promise<number[]> };

/** Token buckets in Redis, shared by every gateway instance that uses the same Redis. */
export class RedisTokenBuckets {
  private readonly redis: RedisWithTake;

  constructor(redis: Redis) {
    // defineCommand sends EVALSHA and falls back to EVAL when Redis does not know the script yet.
    redis.defineCommand('takeTokens', { lua: TAKE_SCRIPT });
    this.redis = redis as RedisWithTake;
  }

  async take(buckets: Bucket[]): Promise<Decision> {
    const args = buckets.flatMap((b) => [b.capacity, b.perSecond / 1000]);
    const [allowed, ...rest] = await this.redis.takeTokens(buckets.length, ...buckets.map((b) => b.key), ...args);
    const states = buckets.map(
      (bucket, i): BucketState => ({
        bucket,
        remaining: Math.max(0, Number(rest[3 * i])),
        retryAfterMs: Number(rest[3 * i + 1]),
        resetMs: Number(rest[3 * i + 2]),
      }),
    );
    return decide(allowed === 1, states);
  }
}

/**
 * The decision over the states of every bucket of a request, in their order. Allowed: pace by
 * the emptiest bucket. Refused: by the one that takes longest to allow again. Shared with
 * the in-memory fallback (memory-token-buckets.ts), so both report the same bucket.
 */
export function decide(allowed: boolean, states: BucketState[]): Decision {
  const tightest = allowed
    ? states.reduce((a, b) => (b.remaining < a.remaining ? b : a))
    : states.reduce((a, b) => (b.retryAfterMs > a.retryAfterMs ? b : a));
  return { allowed, tightest };
}
