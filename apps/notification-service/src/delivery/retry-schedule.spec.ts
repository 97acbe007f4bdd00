import { afterFailedAttempt, type DeliveryPolicy } from './retry-schedule';

const policy: DeliveryPolicy = { initialDelayMs: 1_000, maxDelayMs: 60_000, horizonMs: 3_600_000 };
const first = new Date('2026-01-02T03:00:00.000Z');
const after = (ms: number) => new Date(first.getTime() + ms);
const retryIn = (attempts: number, now: Date, random: number) => {
  const next = afterFailedAttempt(
    policy,
    { attempts, firstAttemptAt: first },
    false,
    now,
    () => random,
  );
  if (!('retryAt' in next)) throw new Error(`gave up: ${next.giveUp}`);
  return next.retryAt.getTime() - now.getTime();
};

describe('afterFailedAttempt', () => {
  it('waits initial × 2^(attempts−1), between half of it and all of it', () => {
    expect([1, 2, 3, 4].map((attempts) => retryIn(attempts, first, 0))).toEqual([
      500, 1_000, 2_000, 4_000,
    ]);
    expect([1, 2, 3, 4].map((attempts) => retryIn(attempts, first, 1))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('spreads notifications that failed together over the second half of the wait', () => {
    const waits = [0, 0.25, 0.5, 0.75].map((random) => retryIn(3, first, random));
    expect(waits).toEqual([2_000, 2_500, 3_000, 3_500]);
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    expect(retryIn(40, after(1_000), 0.999)).toBeLessThanOrEqual(60_000);
    expect(retryIn(10_000, after(1_000), 0)).toBe(30_000);
  });

  it('makes its last try on the horizon, then gives up', () => {
    const nearEnd = after(policy.horizonMs - 5_000);
    expect(retryIn(30, nearEnd, 0.5)).toBe(5_000);
    expect(
      afterFailedAttempt(
        policy,
        { attempts: 31, firstAttemptAt: first },
        false,
        after(policy.horizonMs),
      ),
    ).toEqual({
      giveUp: 'horizon',
    });
  });

  it('gives up at once on a permanent refusal, whatever the horizon', () => {
    expect(afterFailedAttempt(policy, { attempts: 1, firstAttemptAt: first }, true, first)).toEqual(
      { giveUp: 'permanent' },
    );
  });
});
