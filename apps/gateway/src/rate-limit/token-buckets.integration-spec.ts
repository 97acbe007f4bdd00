import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { MemoryTokenBuckets } from './memory-token-buckets';
import { type Bucket, type Decision, RedisTokenBuckets } from './token-buckets';

/** Against the real Redis the gateway uses (REDIS_URL, default 127.0.0.1:6379). */
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('RedisTokenBuckets (real Redis)', () => {
  // Two connections: two gateway instances sharing the buckets.
  const redisA = new Redis(REDIS_URL);
  const redisB = new Redis(REDIS_URL);
  const a = new RedisTokenBuckets(redisA);
  const b = new RedisTokenBuckets(redisB);
  const prefix = `test:ratelimit:${randomUUID()}`;
  const bucket = (name: string, capacity: number, perSecond: number): Bucket => ({ key: `${prefix}:${name}`, capacity, perSecond });

  afterAll(async () => {
    const keys = await redisA.keys(`${prefix}:*`);
    if (keys.length) await redisA.del(...keys);
    await Promise.all([redisA.quit(), redisB.quit()]);
  });

  it('lets a burst of `capacity` through, then refuses with the time until the next token', async () => {
    const burst = bucket('burst', 5, 0.1); // a token every 10 s
    const remaining: number[] = [];
    for (let i = 0; i < 5; i++) {
      const decision = await a.take([burst]);
      expect(decision.allowed).toBe(true);
      remaining.push(decision.tightest.remaining);
    }
    expect(remaining).toEqual([4, 3, 2, 1, 0]);

    const refused = await b.take([burst]);
    expect(refused.allowed).toBe(false);
    expect(refused.tightest.remaining).toBe(0);
    expect(refused.tightest.retryAfterMs).toBeGreaterThan(5_000);
    expect(refused.tightest.retryAfterMs).toBeLessThanOrEqual(10_000);
    expect(refused.tightest.resetMs).toBeGreaterThan(40_000);
  });

  it('refills continuously at the sustained rate', async () => {
    const fast = bucket('refill', 2, 20); // one token every 50 ms
    await a.take([fast]);
    await a.take([fast]);
    expect((await a.take([fast])).allowed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await b.take([fast])).allowed).toBe(true);
  });

  it('never lets more than capacity through when instances race for the same bucket', async () => {
    const contested = bucket('race', 50, 0.001);
    const decisions = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).take([contested])),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(50);
  });

  it('takes from all buckets or from none: a refusal by one does not drain the others', async () => {
    const general = bucket('general', 10, 0.001);
    const login = bucket('login', 2, 0.001);
    expect((await a.take([general, login])).allowed).toBe(true);
    expect((await a.take([general, login])).allowed).toBe(true);
    const refused = await a.take([general, login]);
    expect(refused.allowed).toBe(false);
    expect(refused.tightest.bucket).toBe(login);
    // The general bucket was charged twice, not three times.
    const general1 = await a.take([general]);
    expect(general1.tightest.remaining).toBe(7);
  });

  it('reports the emptiest bucket while allowed', async () => {
    const wide = bucket('wide', 100, 50);
    const narrow = bucket('narrow', 3, 1);
    const decision = await a.take([wide, narrow]);
    expect(decision.tightest).toMatchObject({ bucket: narrow, remaining: 2 });
  });

  it('reports the bucket that takes longest to allow again when refused', async () => {
    const perSecond = bucket('second', 1, 1);
    const perMinute = bucket('minute', 1, 1 / 60);
    await a.take([perSecond, perMinute]);
    const refused = await a.take([perSecond, perMinute]);
    expect(refused.allowed).toBe(false);
    expect(refused.tightest.bucket).toBe(perMinute);
    expect(refused.tightest.retryAfterMs).toBeGreaterThan(50_000);
  });

  it('decides request for request as MemoryTokenBuckets does, the fallback while Redis is away', async () => {
    // A token per 1000 s: the milliseconds between the two clocks change no whole token.
    const general = bucket('same-general', 20, 0.001);
    const login = bucket('same-login', 3, 0.001);
    const email = bucket('same-email', 4, 0.001);
    const shapes = [[general], [general, login], [general, login, email], [general, email]];
    const memory = new MemoryTokenBuckets();
    // What a client sees. Which of two empty buckets a refusal names may differ by a millisecond of clock.
    const seen = ({ allowed, tightest }: Decision) => ({
      allowed,
      remaining: tightest.remaining,
      retryAfterS: Math.ceil(tightest.retryAfterMs / 1000),
      ...(allowed ? { key: tightest.bucket.key } : {}),
    });
    let seed = 7;
    for (let i = 0; i < 40; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const buckets = shapes[(seed >>> 16) % shapes.length] as Bucket[]; // the high bits: the low ones cycle
      expect({ i, ...seen(await a.take(buckets)) }).toEqual({ i, ...seen(memory.take(buckets)) });
    }
  });

  it('expires an idle bucket once it would be full again', async () => {
    const idle = bucket('idle', 10, 10);
    await a.take([idle]);
    const ttl = await redisA.pttl(idle.key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1_100);
  });
});
