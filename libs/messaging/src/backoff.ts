/** How a consumer retries a failing handler before it dead-letters the message. */
export interface RetryPolicy {
  /** Handler runs in all, the first included (default 5). */
  attempts: number;
  /** Wait after the first failure (default 100 ms); doubles after each further one. */
  initialDelayMs: number;
  /** Cap on one wait (default 5 s). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  attempts: 5,
  initialDelayMs: 100,
  maxDelayMs: 5_000,
};

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) {
    throw new Error(`retry attempts must be a whole number ≥ 1, got ${policy.attempts}`);
  }
  if (policy.initialDelayMs < 0 || policy.maxDelayMs < policy.initialDelayMs) {
    throw new Error('retry delays: need 0 ≤ initialDelayMs ≤ maxDelayMs');
  }
  return policy;
}

/**
 * The wait after the `failures`-th failed attempt: initial × 2^(failures−1), capped.
 * No jitter: one consumer retries one message of its partition at a time, so there is no herd
 * of clients retrying in step to spread out.
 */
export function backoffDelay(policy: RetryPolicy, failures: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (failures - 1));
}

/** Every wait between attempts: `attempts − 1` of them (default 100, 200, 400, 800 ms). */
export function backoffSchedule(policy: RetryPolicy): number[] {
  return Array.from({ length: policy.attempts - 1 }, (_, i) => backoffDelay(policy, i + 1));
}
