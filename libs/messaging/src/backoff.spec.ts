import { DEFAULT_RETRY_POLICY, backoffDelay, backoffSchedule, retryPolicy } from './backoff';

describe('retry backoff', () => {
  it('defaults to 5 attempts: 4 waits of 100, 200, 400, 800 ms', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ attempts: 5, initialDelayMs: 100, maxDelayMs: 5_000 });
    expect(backoffSchedule(retryPolicy())).toEqual([100, 200, 400, 800]);
  });

  it('doubles up to the cap, then stays there', () => {
    const policy = retryPolicy({ attempts: 9 });
    expect(backoffSchedule(policy)).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
    expect(backoffDelay(policy, 30)).toBe(5_000);
  });

  it('one attempt means no retry at all', () => {
    expect(backoffSchedule(retryPolicy({ attempts: 1 }))).toEqual([]);
  });

  it('rejects policies that make no sense', () => {
    expect(() => retryPolicy({ attempts: 0 })).toThrow(/attempts/);
    expect(() => retryPolicy({ attempts: 2.5 })).toThrow(/attempts/);
    expect(() => retryPolicy({ initialDelayMs: 10_000 })).toThrow(/initialDelayMs/);
  });
});
