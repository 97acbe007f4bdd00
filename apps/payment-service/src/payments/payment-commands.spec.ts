import { isPoisonMessageError } from '@ecommerce/messaging';
import { EVENTS } from '@ecommerce/contracts';
import { configSchema } from '../config';
import type { Payment } from '../generated/prisma/client';
import { type PaymentProvider, TransientProviderError } from '../provider/payment-provider';
import { SimulatedPaymentProvider } from '../provider/simulated-provider';
import { captureWithRetries } from './capture-with-retries';
import { parseCaptureCommand, parseRefundCommand } from './payment-commands.validation';
import { captureReply, refundReply } from './payment-replies';
import { canTransition, refundDecision } from './payment-state';

const orderId = '6f1c2a4e-8a7d-4a8e-9d61-1f0a3b2c4d5e';
const userId = '0b0b0b0b-8a7d-4a8e-9d61-1f0a3b2c4d5e';
const request = (method: string) => ({ idempotencyKey: orderId, amountCents: 100, currency: 'EUR', method });

describe('captureWithRetries', () => {
  const policy = { maxAttempts: 3, baseMs: 100 };

  it('returns a capture or a decline after one call, without waiting', async () => {
    const waits: number[] = [];
    const wait = async (ms: number) => void waits.push(ms);
    const provider = new SimulatedPaymentProvider();
    await expect(captureWithRetries(provider, request('pm_card_visa'), policy, wait)).resolves.toMatchObject({
      outcome: 'captured',
      attempts: 1,
    });
    await expect(
      captureWithRetries(provider, { ...request('pm_card_chargeDeclined'), idempotencyKey: 'other' }, policy, wait),
    ).resolves.toEqual({ outcome: 'declined', declineCode: 'generic_decline', attempts: 1 });
    expect(waits).toEqual([]);
  });

  it('retries a transient error with doubling waits, then reports it as failed', async () => {
    const waits: number[] = [];
    const provider = new SimulatedPaymentProvider();
    const result = await captureWithRetries(provider, request('pm_card_processingError'), policy, async (ms) => {
      waits.push(ms);
    });
    expect(result).toEqual({ outcome: 'failed', error: expect.stringMatching(/processing_error/), attempts: 3 });
    expect(provider.calls).toBe(3);
    expect(waits).toEqual([100, 200]);
  });

  it('stops retrying as soon as the provider recovers', async () => {
    let calls = 0;
    const flaky: PaymentProvider = {
      charge: async () => {
        calls += 1;
        if (calls < 2) throw new TransientProviderError('timeout');
        return { outcome: 'captured', chargeId: 'ch_1' };
      },
      refund: async () => ({ refundId: 're_1' }),
    };
    await expect(captureWithRetries(flaky, request('x'), policy, async () => undefined)).resolves.toEqual({
      outcome: 'captured',
      chargeId: 'ch_1',
      attempts: 2,
    });
  });

  it('lets an error that is not transient through at once (a bug: the consumer retries the message)', async () => {
    const broken: PaymentProvider = {
      charge: async () => {
        throw new Error('boom');
      },
      refund: async () => ({ refundId: 're_1' }),
    };
    await expect(captureWithRetries(broken, request('x'), policy, async () => undefined)).rejects.toThrow('boom');
  });
});

describe('payment state machine', () => {
  it('refunds captured payments only', () => {
    expect(canTransition('CAPTURED', 'REFUNDED')).toBe(true);
    for (const from of ['DECLINED', 'FAILED', 'REFUNDED'] as const) expect(canTransition(from, 'REFUNDED')).toBe(false);
    expect(canTransition('REFUNDED', 'CAPTURED')).toBe(false);
  });

  it('decides what a RefundPayment does for each status', () => {
    expect(refundDecision('CAPTURED')).toBe('refund');
    expect(refundDecision('REFUNDED')).toBe('already-refunded');
    expect(refundDecision('DECLINED')).toBe('nothing-to-refund');
    expect(refundDecision('FAILED')).toBe('nothing-to-refund');
    expect(refundDecision(undefined)).toBe('nothing-to-refund');
  });
});

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

describe('configSchema', () => {
  const base = { GRPC_PORT: '50053', METRICS_PORT: '9103', DATABASE_URL: 'postgresql://x/y', KAFKA_BROKERS: '127.0.0.1:29092' };

  it('defaults to 3 attempts, 100 ms apart and doubling', () => {
    expect(configSchema.parse(base)).toMatchObject({ PAYMENT_MAX_ATTEMPTS: 3, PAYMENT_RETRY_BASE_MS: 100 });
  });

  it('refuses retries that would wait longer than a capture may hold its transaction', () => {
    const result = configSchema.safeParse({ ...base, PAYMENT_MAX_ATTEMPTS: '5', PAYMENT_RETRY_BASE_MS: '500' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/wait 7500 ms in all/);
  });
});
