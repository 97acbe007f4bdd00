import { setTimeout as sleep } from 'node:timers/promises';
import { retryWaits } from '../config';
import { type ChargeRequest, isTransientProviderError, type PaymentProvider } from '../provider/payment-provider';

export interface RetryPolicy {
  /** Provider calls in all, the first one included. */
  maxAttempts: number;
  /** Wait before the second call; doubles with each further one. */
  baseMs: number;
}

export type CaptureResult =
  | { outcome: 'captured'; chargeId: string; attempts: number }
  | { outcome: 'declined'; declineCode: string; attempts: number }
  /** Transient errors on every try: nothing was charged. */
  | { outcome: 'failed'; error: string; attempts: number };

/**
 * Charges with retries: a transient provider error is retried after 100, 200, ... ms (the
 * policy's doubling waits), a decline is final at once, and the last transient error after
 * `maxAttempts` calls becomes a `failed` result. Any other error is a bug and propagates (the
 * consumer retries the message, then dead-letters it). Every call carries the same idempotency
 * key, so the provider charges once however often it is called.
 */
export async function captureWithRetries(
  provider: PaymentProvider,
  request: ChargeRequest,
  policy: RetryPolicy,
  wait: (ms: number) => Promise<unknown> = sleep,
): Promise<CaptureResult> {
  const waits = retryWaits(policy.maxAttempts, policy.baseMs);
  let lastError = '';
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt += 1) {
    try {
      const result = await provider.charge(request);
      return { ...result, attempts: attempt };
    } catch (error) {
      if (!isTransientProviderError(error)) throw error;
      lastError = error.message;
      const delay = waits[attempt - 1];
      if (delay !== undefined) await wait(delay);
    }
  }
  return { outcome: 'failed', error: lastError, attempts: policy.maxAttempts };
}
