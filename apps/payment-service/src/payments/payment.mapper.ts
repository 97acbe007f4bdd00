import { paymentV1 } from '@ecommerce/contracts';
import type { Payment } from './payment';
import type { PaymentStatus } from './payment-state';

const STATUSES: Record<PaymentStatus, paymentV1.PaymentStatus> = {
  CAPTURED: paymentV1.PaymentStatus.CAPTURED,
  DECLINED: paymentV1.PaymentStatus.DECLINED,
  FAILED: paymentV1.PaymentStatus.FAILED,
  REFUNDED: paymentV1.PaymentStatus.REFUNDED,
};

/** What a reader may see of a payment: not the method or the provider attempts. */
export function toPaymentMessage(payment: Payment): paymentV1.Payment {
  return {
    id: payment.id,
    orderId: payment.orderId,
    userId: payment.userId,
    amountCents: payment.amountCents,
    currency: payment.currency,
    status: STATUSES[payment.status],
    ...(payment.declineCode ? { declineCode: payment.declineCode } : {}),
    createdAt: payment.createdAt.toISOString(),
    updatedAt: payment.updatedAt.toISOString(),
  };
}
