import { randomUUID } from 'node:crypto';
import type { ChargeRequest, ChargeResult, PaymentProvider, RefundRequest, RefundResult } from './payment-provider';
import { TransientProviderError } from './payment-provider';

/** The method of a payment that names none (an empty CapturePayment.payment_method). */
export const DEFAULT_METHOD = 'pm_card_visa';

/**
 * The test methods of the public API (after Stripe's test cards), and what each one does.
 * A method that is not listed is declined with `generic_decline`: an unknown card is refused,
 * never charged, and the order ends CANCELLED / PAYMENT_DECLINED like any other decline.
 */
export const TEST_METHODS = {
  pm_card_visa: { outcome: 'captured' },
  pm_card_chargeDeclined: { outcome: 'declined', declineCode: 'generic_decline' },
  pm_card_chargeDeclinedInsufficientFunds: { outcome: 'declined', declineCode: 'insufficient_funds' },
  pm_card_processingError: { outcome: 'transient', error: 'processing_error: the provider could not process the charge' },
} as const;

export const UNKNOWN_METHOD_DECLINE_CODE = 'generic_decline';

/** Idempotency records kept in memory; the oldest are forgotten past this many. */
const REMEMBERED_KEYS = 10_000;

/**
 * A payment provider without the network: the outcome follows the test method alone. Like a
 * real one it honours idempotency keys, so charging the same key twice returns the first
 * charge (kept in memory for the process's lifetime: a simulation, not a ledger).
 */
export class SimulatedPaymentProvider implements PaymentProvider {
  private readonly charges = new Map<string, ChargeResult>();
  private readonly refunds = new Map<string, RefundResult>();
  /** Calls made, for tests and logs. */
  calls = 0;

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    this.calls += 1;
    const earlier = this.charges.get(request.idempotencyKey);
    if (earlier) return earlier;
    const method = (TEST_METHODS as Record<string, (typeof TEST_METHODS)[keyof typeof TEST_METHODS]>)[request.method];
    if (method?.outcome === 'transient') throw new TransientProviderError(method.error);
    const result: ChargeResult =
      method === undefined
        ? { outcome: 'declined', declineCode: UNKNOWN_METHOD_DECLINE_CODE }
        : method.outcome === 'declined'
          ? { outcome: 'declined', declineCode: method.declineCode }
          : { outcome: 'captured', chargeId: `ch_sim_${randomUUID()}` };
    remember(this.charges, request.idempotencyKey, result);
    return result;
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    this.calls += 1;
    const earlier = this.refunds.get(request.idempotencyKey);
    if (earlier) return earlier;
    const result = { refundId: `re_sim_${randomUUID()}` };
    remember(this.refunds, request.idempotencyKey, result);
    return result;
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value);
  if (map.size > REMEMBERED_KEYS) map.delete(map.keys().next().value as string);
}
