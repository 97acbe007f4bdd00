/**
 * The payment state machine. A payment is created in its first status by the capture (there
 * is no "pending" row: the provider answers inside the transaction that writes the row), and
 * the only later transition is the refund of a captured payment.
 *
 *   (capture) ──► CAPTURED ──(refund)──► REFUNDED
 *             ├─► DECLINED     (final: the provider refused)
 *             └─► FAILED       (final: transient errors until the retries ran out)
 *
 * The `payment_status` column holds exactly these values (payments.repository.ts checks it at
 * compile time).
 */
export type PaymentStatus = 'CAPTURED' | 'DECLINED' | 'FAILED' | 'REFUNDED';

export const INITIAL_STATUSES: readonly PaymentStatus[] = ['CAPTURED', 'DECLINED', 'FAILED'];

const TRANSITIONS: Record<PaymentStatus, readonly PaymentStatus[]> = {
  CAPTURED: ['REFUNDED'],
  DECLINED: [],
  FAILED: [],
  REFUNDED: [],
};

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * What a RefundPayment does to an order's payment:
 * - `refund`: a captured payment is refunded, once;
 * - `already-refunded`: a repeated command (another message id) refunds nothing and answers
 *   again with the refunded amount;
 * - `nothing-to-refund`: no payment, or one that never took money (declined, failed): answered
 *   with amount 0, as the RefundPayment contract says, so a compensating saga always gets its
 *   acknowledgement.
 */
export type RefundDecision = 'refund' | 'already-refunded' | 'nothing-to-refund';

export function refundDecision(status: PaymentStatus | undefined): RefundDecision {
  if (status === undefined) return 'nothing-to-refund';
  if (canTransition(status, 'REFUNDED')) return 'refund';
  return status === 'REFUNDED' ? 'already-refunded' : 'nothing-to-refund';
}
