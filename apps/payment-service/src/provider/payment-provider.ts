/**
 * What the payment service needs from a payment provider (a Stripe or Adyen client would
 * implement it; {@link SimulatedPaymentProvider} does in this platform).
 *
 * Every call carries an idempotency key. The provider is called inside the transaction that
 * records the result, so a crash after the provider charged and before that transaction
 * committed makes the command arrive again and the provider be called again: with the same key,
 * a real provider answers with the first charge instead of charging twice (Stripe's
 * `Idempotency-Key`). The key is the order id, the same on every delivery and every retry.
 */
export interface PaymentProvider {
  /** Resolves to the provider's final answer; throws {@link TransientProviderError} when a retry may help. */
  charge(request: ChargeRequest): Promise<ChargeResult>;
  /** Refunds a captured charge in full; throws {@link TransientProviderError} when a retry may help. */
  refund(request: RefundRequest): Promise<RefundResult>;
}

export interface ChargeRequest {
  idempotencyKey: string;
  amountCents: number;
  currency: string;
  /** A test method such as `pm_card_visa`. */
  method: string;
}

export type ChargeResult =
  | { outcome: 'captured'; chargeId: string }
  /** A final refusal, not retried: `generic_decline`, `insufficient_funds`. */
  | { outcome: 'declined'; declineCode: string };

export interface RefundRequest {
  idempotencyKey: string;
  chargeId: string;
  amountCents: number;
}

export interface RefundResult {
  refundId: string;
}

/** The provider failed in a way a later try may not (a timeout, a 5xx, `processing_error`). */
export class TransientProviderError extends Error {
  readonly code = 'TRANSIENT_PROVIDER_ERROR';
  override readonly name = 'TransientProviderError';
}

/** By code, not `instanceof`: it survives two copies of this module. */
export function isTransientProviderError(error: unknown): error is TransientProviderError {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'TRANSIENT_PROVIDER_ERROR';
}

/** Nest token of the provider the service charges through. */
export const PAYMENT_PROVIDER = Symbol('PAYMENT_PROVIDER');
