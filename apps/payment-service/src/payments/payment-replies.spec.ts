import { EVENTS } from '@ecommerce/contracts';
import type { Payment } from './payment';
import { captureReply, refundReply } from './payment-replies';

const orderId = '6f1c2a4e-8a7d-4a8e-9d61-1f0a3b2c4d5e';
const userId = '0b0b0b0b-8a7d-4a8e-9d61-1f0a3b2c4d5e';

describe('replies', () => {
  const payment: Payment = {
    id: '11111111-1111-4111-8111-111111111111',
    orderId,
    userId,
    amountCents: 4_990,
    currency: 'EUR',
    status: 'CAPTURED',
    declineCode: null,
    method: 'pm_card_visa',
    attempts: 1,
    providerChargeId: 'ch_1',
    lastError: null,
    refundedAt: null,
    createdAt: new Date(),
    updatedAt: new Date(),
  };

  it('answers a capture from the payment row, the same way each time', () => {
    expect(captureReply(payment)).toEqual({
      event: EVENTS.PaymentCaptured,
      payload: { orderId, paymentId: payment.id, amountCents: 4_990, currency: 'EUR' },
    });
    expect(captureReply({ ...payment, status: 'REFUNDED' }).event).toBe(EVENTS.PaymentCaptured);
    expect(captureReply({ ...payment, status: 'DECLINED', declineCode: 'insufficient_funds' })).toEqual({
      event: EVENTS.PaymentDeclined,
      payload: { orderId, paymentId: payment.id, declineCode: 'insufficient_funds' },
    });
    expect(captureReply({ ...payment, status: 'FAILED', attempts: 3, lastError: 'processing_error' })).toEqual({
      event: EVENTS.PaymentFailed,
      payload: { orderId, paymentId: payment.id, error: 'processing_error', attempts: 3 },
    });
  });

  it('answers a refund with the refunded amount, or 0 when nothing was taken', () => {
    expect(refundReply(orderId, { ...payment, status: 'REFUNDED' }).payload).toEqual({
      orderId,
      paymentId: payment.id,
      amountCents: 4_990,
      currency: 'EUR',
    });
    expect(refundReply(orderId, { ...payment, status: 'DECLINED' }).payload).toMatchObject({ amountCents: 0 });
    expect(refundReply(orderId, null)).toEqual({
      event: EVENTS.PaymentRefunded,
      payload: { orderId, paymentId: '', amountCents: 0, currency: '' },
    });
  });
});
