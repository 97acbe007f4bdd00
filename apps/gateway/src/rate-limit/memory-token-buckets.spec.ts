import { MemoryTokenBuckets } from './memory-token-buckets';
import type { Bucket } from './token-buckets';

/**
 * The cases of token-buckets.integration-spec.ts (the Redis script), against the in-memory
 * buckets the gateway falls back to, with a clock of the test's own: both must keep one
 * contract. Then what only memory has: dropping full buckets and the cap on keys.
 */
describe('MemoryTokenBuckets', () => {
  let clock: number;
  let buckets: MemoryTokenBuckets;
  const advance = (ms: number) => {
    clock += ms;
  };
  const bucket = (name: string, capacity: number, perSecond: number): Bucket => ({ key: `test:${name}`, capacity, perSecond });

  beforeEach(() => {
    clock = Date.UTC(2026, 0, 2, 3, 4, 5);
    buckets = new MemoryTokenBuckets({ now: () => clock });
  });

  it('lets a burst of `capacity` through, then refuses with the time until the next token', () => {
    const burst = bucket('burst', 5, 0.1); // a token every 10 s
    const remaining: number[] = [];
    for (let i = 0; i < 5; i++) {
      const decision = buckets.take([burst]);
      expect(decision.allowed).toBe(true);
      remaining.push(decision.tightest.remaining);
    }
    expect(remaining).toEqual([4, 3, 2, 1, 0]);

    const refused = buckets.take([burst]);
    expect(refused.allowed).toBe(false);
    expect(refused.tightest.remaining).toBe(0);
    expect(refused.tightest.retryAfterMs).toBe(10_000);
    expect(refused.tightest.resetMs).toBe(50_000);
    advance(2_500); // a quarter of a token back
    expect(buckets.take([burst]).tightest).toMatchObject({ remaining: 0, retryAfterMs: 7_500, resetMs: 47_500 });
  });

  it('refills continuously at the sustained rate', () => {
    const fast = bucket('refill', 2, 20); // one token every 50 ms
    buckets.take([fast]);
    buckets.take([fast]);
    const refused = buckets.take([fast]);
    expect(refused).toMatchObject({ allowed: false, tightest: { retryAfterMs: 50, resetMs: 100 } });
    advance(49);
    expect(buckets.take([fast]).allowed).toBe(false);
    advance(1);
    expect(buckets.take([fast])).toMatchObject({ allowed: true, tightest: { remaining: 0 } });
    advance(120);
    expect(buckets.take([fast])).toMatchObject({ allowed: true, tightest: { remaining: 1 } });
  });

  it('never lets more than capacity through', () => {
    const contested = bucket('race', 50, 0.001);
    const decisions = Array.from({ length: 200 }, () => buckets.take([contested]));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(50);
  });

  it('takes from all buckets or from none: a refusal by one does not drain the others', () => {
    const general = bucket('general', 10, 0.001);
    const login = bucket('login', 2, 0.001);
    expect(buckets.take([general, login]).allowed).toBe(true);
    expect(buckets.take([general, login]).allowed).toBe(true);
    const refused = buckets.take([general, login]);
    expect(refused.allowed).toBe(false);
    expect(refused.tightest.bucket).toBe(login);
    // The general bucket was charged twice, not three times.
    const general1 = buckets.take([general]);
    expect(general1.tightest.remaining).toBe(7);
  });

  it('reports the emptiest bucket while allowed', () => {
    const wide = bucket('wide', 100, 50);
    const narrow = bucket('narrow', 3, 1);
    const decision = buckets.take([wide, narrow]);
    expect(decision.tightest).toMatchObject({ bucket: narrow, remaining: 2 });
  });

  it('reports the bucket that takes longest to allow again when refused', () => {
    const perSecond = bucket('second', 1, 1);
    const perMinute = bucket('minute', 1, 1 / 60);
    buckets.take([perSecond, perMinute]);
    const refused = buckets.take([perSecond, perMinute]);
    expect(refused).toMatchObject({ allowed: false, tightest: { bucket: perMinute, retryAfterMs: 60_000 } });
  });

  it('20 login attempts a minute: the 21st waits 3 s for its token, the bucket is full again after a minute', () => {
    const login = bucket('login-minute', 20, 20 / 60);
    for (let i = 0; i < 20; i++) expect(buckets.take([login]).allowed).toBe(true);
    expect(buckets.take([login]).tightest).toMatchObject({ remaining: 0, retryAfterMs: 3_000, resetMs: 60_000 });
    advance(3_000);
    expect(buckets.take([login]).allowed).toBe(true);
    advance(60_000);
    expect(buckets.take([login]).tightest.remaining).toBe(19);
  });

  it('expires an idle bucket once it would be full again', () => {
    const idle = bucket('idle', 10, 10);
    const other = bucket('other', 1_000, 1_000);
    buckets.take([idle]);
    expect(buckets.size).toBe(1);
    advance(99);
    buckets.take([other]);
    expect(buckets.size).toBe(2);
    advance(1); // 100 ms: the one token is back
    buckets.take([other]);
    expect(buckets.size).toBe(1);
    expect(buckets.take([idle]).tightest.remaining).toBe(9);
  });

  it('adds no tokens when the clock goes back', () => {
    const slow = bucket('slow', 2, 1);
    buckets.take([slow]);
    advance(-5_000);
    expect(buckets.take([slow]).tightest.remaining).toBe(0);
    expect(buckets.take([slow]).allowed).toBe(false);
  });

  it('keeps at most maxKeys buckets, dropping the least recently charged', () => {
    const capped = new MemoryTokenBuckets({ now: () => clock, maxKeys: 3 });
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => bucket(`cap-${name}`, 5, 0.001)) as [Bucket, Bucket, Bucket, Bucket];
    for (const each of [a, b, c]) capped.take([each]);
    capped.take([a]); // a is now the most recently charged, b the least
    capped.take([d]);
    expect(capped.size).toBe(3);
    // b was dropped (a full bucket again); a and c were kept.
    expect(capped.take([b]).tightest.remaining).toBe(4);
    expect(capped.take([a]).tightest.remaining).toBe(2);
    expect(capped.size).toBe(3);
    expect(capped.take([d]).tightest.remaining).toBe(3);
  });
});
