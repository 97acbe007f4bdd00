/** How the sender retries a notification the mail server did not take. */
export interface DeliveryPolicy {
  /** The wait after a first failed attempt; it doubles after each further one. */
  initialDelayMs: number;
  /** The longest wait between two attempts. */
  maxDelayMs: number;
  /** How long after its first attempt a notification is still retried. */
  horizonMs: number;
}

/** One notification's delivery so far. */
export interface AttemptsSoFar {
  /** Attempts made, the one that just failed included (1 after the first). */
  attempts: number;
  firstAttemptAt: Date;
}

export type NextStep = { retryAt: Date } | { giveUp: 'permanent' | 'horizon' };

/**
 * What follows a failed attempt: a permanent refusal is final; a transient failure is retried
 * after an exponential backoff (initial × 2^(attempts−1), capped) with jitter, until the horizon.
 * The last try falls on the horizon itself, so none is wasted by a wait that overshoots it.
 *
 * Jitter because failures come in herds: a mail server outage fails every notification at
 * once, and without it they would all come back in the same instant, attempt after attempt.
 * "Equal jitter" (half the delay fixed, half random) spreads them and still keeps the wait
 * growing.
 */
export function afterFailedAttempt(
  policy: DeliveryPolicy,
  so: AttemptsSoFar,
  permanent: boolean,
  now: Date,
  random: () => number = Math.random,
): NextStep {
  if (permanent) return { giveUp: 'permanent' };
  const deadline = so.firstAttemptAt.getTime() + policy.horizonMs;
  if (now.getTime() >= deadline) return { giveUp: 'horizon' };
  const ceiling = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * 2 ** Math.max(0, so.attempts - 1),
  );
  const delay = ceiling / 2 + (random() * ceiling) / 2;
  return { retryAt: new Date(Math.min(deadline, now.getTime() + delay)) };
}
