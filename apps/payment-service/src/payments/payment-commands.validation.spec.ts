import { isPoisonMessageError } from '@ecommerce/messaging';
import { parseCaptureCommand, parseRefundCommand } from './payment-commands.validation';

const orderId = '6f1c2a4e-8a7d-4a8e-9d61-1f0a3b2c4d5e';
const userId = '0b0b0b0b-8a7d-4a8e-9d61-1f0a3b2c4d5e';

describe('parseCaptureCommand', () => {
  const valid = { orderId, userId, amountCents: 4_990, currency: 'EUR', paymentMethod: 'pm_card_visa' };

  it('reads an empty method as the default card', () => {
    expect(parseCaptureCommand({ ...valid, paymentMethod: '' })).toEqual({
      orderId,
      userId,
      amountCents: 4_990,
      currency: 'EUR',
      method: 'pm_card_visa',
    });
  });

  it('treats a command it cannot act on as poison, naming every problem', () => {
    const error = (() => {
      try {
        parseCaptureCommand({ orderId: 'x', userId: '', amountCents: -1, currency: 'eur', paymentMethod: '' });
      } catch (e) {
        return e;
      }
    })();
    expect(isPoisonMessageError(error)).toBe(true);
    expect((error as Error).message).toBe(
      'CapturePayment: order_id must be a UUID, user_id must be a UUID, amount_cents must be 0 to 2147483647, currency must be an ISO 4217 code',
    );
    expect(() => parseRefundCommand({ orderId: '' })).toThrow('RefundPayment: order_id must be a UUID');
  });
});
