import { type PaymentProvider, TransientProviderError } from '../provider/payment-provider';
import { SimulatedPaymentProvider } from '../provider/simulated-provider';
import { captureWithRetries } from './capture-with-retries';

const orderId = '6f1c2a4e-8a7d-4a8e-9d61-1f0a3b2c4d5e';
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
