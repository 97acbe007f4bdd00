import type { PaymentStatus } from './payment-state';

/** An order's payment as recorded: one per order, written by the capture, changed by a refund. */
export interface Payment {
  id: string;
  orderId: string;
  /** The customer who placed the order (CapturePayment.user_id): who may read it. */
  userId: string;
  amountCents: number;
  currency: string;
  status: PaymentStatus;
  /** `generic_decline`, `insufficient_funds`: set when DECLINED. */
  declineCode: string | null;
  method: string;
  /** Provider calls the capture made, retries included. */
  attempts: number;
  /** The provider's charge: set when CAPTURED (and kept when REFUNDED). */
  providerChargeId: string | null;
  /** The last transient error: set when FAILED. */
  lastError: string | null;
  refundedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A capture's outcome as it is recorded: the order's payment in its first status. */
export type NewPayment = Pick<
  Payment,
  'orderId' | 'userId' | 'amountCents' | 'currency' | 'method' | 'attempts'
> &
  (
    | { status: 'CAPTURED'; providerChargeId: string }
    | { status: 'DECLINED'; declineCode: string }
    | { status: 'FAILED'; lastError: string }
  );
