import { Logger } from '@nestjs/common';
import { generateServiceKeyPair } from '@ecommerce/grpc';
import { createMetricsRegistry, type MetricsRegistry } from '@ecommerce/observability';
import { metricValue } from '@ecommerce/testing';
import { configSchema } from '../config';
import { type Caller, RateLimiter } from './rate-limiter';
import { type Decision, RedisTokenBuckets } from './token-buckets';

/** ioredis's status for the next client ('ready', or 'connecting' for a Redis that never answers). */
let mockStatus = 'ready';

// No connection at all: what Redis answers is RedisTokenBuckets.take's, stubbed per test.
jest.mock('ioredis', () => ({
  __esModule: true,
  default: class {
    readonly status = mockStatus;
    on(): this {
      return this;
    }
    once(): this {
      return this;
    }
    defineCommand(): this {
      return this;
    }
    quit(): Promise<string> {
      return Promise.resolve('OK');
    }
    disconnect(): this {
      return this;
    }
  },
}));

const config = configSchema.parse({
  USER_SERVICE_URL: '127.0.0.1:50051',
  ORDER_SERVICE_URL: '127.0.0.1:50052',
  PAYMENT_SERVICE_URL: '127.0.0.1:50053',
  INVENTORY_SERVICE_URL: '127.0.0.1:50054',
  NOTIFICATION_SERVICE_URL: '127.0.0.1:50055',
  SERVICE_PRIVATE_KEY: generateServiceKeyPair().privateKey,
  AUTH_RATE_LIMIT_PER_MINUTE: '20',
});

const login: Caller = { ip: '203.0.113.7', email: 'ada@example.com' };

describe('RateLimiter when Redis goes away and comes back', () => {
  let metrics: MetricsRegistry;
  let limiter: RateLimiter;
  let redisTake: jest.SpyInstance<Promise<Decision>, Parameters<RedisTokenBuckets['take']>>;
  let warn: jest.SpyInstance;
  let info: jest.SpyInstance;
  const metric = async (name: string, labels: Record<string, string> = {}) => metricValue(await metrics.metrics(), name, labels);
  const redisDown = () => redisTake.mockRejectedValue(new Error("Stream isn't writeable and enableOfflineQueue options is false"));
  const redisUp = () =>
    redisTake.mockImplementation((buckets) =>
      Promise.resolve({ allowed: true, tightest: { bucket: buckets[0] as never, remaining: 99, retryAfterMs: 0, resetMs: 20 } }),
    );

  beforeEach(() => {
    mockStatus = 'ready';
    metrics = createMetricsRegistry('gateway');
    redisTake = jest.spyOn(RedisTokenBuckets.prototype, 'take');
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    info = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    limiter = new RateLimiter(config, metrics);
  });

  afterEach(async () => {
    await limiter.onModuleDestroy();
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it('decides in memory with the same limits while Redis fails, and by Redis again once it answers', async () => {
    redisUp();
    expect((await limiter.take(login, true)).tightest.remaining).toBe(99);
    expect(await metric('rate_limit_fallback_active')).toBe(0);

    redisDown();
    const decisions: Decision[] = [];
    for (let i = 0; i < 21; i++) decisions.push(await limiter.take(login, true));
    expect(decisions.slice(0, 20).every((d) => d.allowed)).toBe(true);
    const refused = decisions[20] as Decision;
    expect(refused.allowed).toBe(false);
    expect(refused.tightest.bucket.key).toMatch(/^ratelimit:credentials:/);
    expect(refused.tightest.retryAfterMs).toBeGreaterThan(0);
    // Redis was asked every time.
    expect(redisTake).toHaveBeenCalledTimes(22);
    expect(await metric('rate_limit_fallback_active')).toBe(1);
    expect(await metric('rate_limit_fallback_decisions_total', { allowed: 'true' })).toBe(20);
    expect(await metric('rate_limit_fallback_decisions_total', { allowed: 'false' })).toBe(1);

    redisUp();
    expect((await limiter.take(login, true)).allowed).toBe(true);
    await limiter.take(login, true);
    expect(await metric('rate_limit_fallback_active')).toBe(0);
    expect(await metric('rate_limit_fallback_decisions_total')).toBe(21);

    // Each switch logged once, not once per request.
    expect(warn.mock.calls).toEqual([
      [expect.stringMatching(/^Redis unreachable: rate limits enforced per instance in memory until it returns/)],
    ]);
    expect(info.mock.calls).toEqual([['Redis reachable again: shared rate limits']]);
  });

  it('serves with the memory buckets when Redis is not there within 2 s of the start', async () => {
    await limiter.onModuleDestroy();
    mockStatus = 'connecting';
    limiter = new RateLimiter(config, metrics);
    jest.useFakeTimers();
    const init = limiter.onModuleInit();
    jest.advanceTimersByTime(2_000);
    await init;
    expect(await metric('rate_limit_fallback_active')).toBe(1);
    expect(warn.mock.calls).toEqual([[expect.stringMatching(/in memory until it returns \(not reachable within 2000 ms/)]]);

    redisDown();
    await limiter.take(login, true);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(await metric('rate_limit_fallback_decisions_total', { allowed: 'true' })).toBe(1);
  });
});
