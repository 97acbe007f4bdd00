import { EVENTS, type EventDefinition, type paymentEventsV1 } from '@ecommerce/contracts';
import type { Payment } from './payment';

/** One reply on payment.events.v1: which event, and its payload. */
export type PaymentReply =
  | { event: EventDefinition<paymentEventsV1.PaymentCaptured>; payload: paymentEventsV1.PaymentCaptured }
  | { event: EventDefinition<paymentEventsV1.PaymentDeclined>; payload: paymentEventsV1.PaymentDeclined }
  | { event: EventDefinition<paymentEventsV1.PaymentFailed>; payload: paymentEventsV1.PaymentFailed }
  | { event: EventDefinition<paymentEventsV1.PaymentRefunded>; payload: paymentEventsV1.PaymentRefunded };

/**
 * The answer to a CapturePayment, read from the payment row, so a repeated command gets the
 * same answer as the first one. A refunded payment was captured: the capture's answer is still
 * PaymentCaptured (the refund was announced by its own PaymentRefunded).
 */
export function captureReply(payment: Payment): PaymentReply {
  const { orderId, id: paymentId } = payment;
  switch (payment.status) {
    case 'CAPTURED':
    case 'REFUNDED':
      return {
        event: EVENTS.PaymentCaptured,
        payload: { orderId, paymentId, amountCents: payment.amountCents, currency: payment.currency },
      };
    case 'DECLINED':
      return { event: EVENTS.PaymentDeclined, payload: { orderId, paymentId, declineCode: payment.declineCode ?? '' } };
    case 'FAILED':
      return {
        event: EVENTS.PaymentFailed,
        payload: { orderId, paymentId, error: payment.lastError ?? '', attempts: payment.attempts },
      };
  }
}

/** PaymentRefunded for a refunded payment, or with amount 0 when nothing was (or is) to refund. */
export function refundReply(orderId: string, payment: Payment | null): PaymentReply {
  const refunded = payment?.status === 'REFUNDED';
  return {
    event: EVENTS.PaymentRefunded,
    payload: {
      orderId,
      paymentId: payment?.id ?? '',
      amountCents: refunded ? payment.amountCents : 0,
      currency: payment?.currency ?? '',
    },
  };
}
