import { isTransientProviderError } from './payment-provider';
import { SimulatedPaymentProvider } from './simulated-provider';

const charge = (method: string, idempotencyKey = `order-${method}`) => ({
  idempotencyKey,
  amountCents: 4_990,
  currency: 'EUR',
  method,
});

describe('SimulatedPaymentProvider', () => {
  it('captures pm_card_visa with a charge id', async () => {
    const result = await new SimulatedPaymentProvider().charge(charge('pm_card_visa'));
    expect(result).toEqual({ outcome: 'captured', chargeId: expect.stringMatching(/^ch_sim_/) });
  });

  it('declines the two decline test cards with their codes', async () => {
    const provider = new SimulatedPaymentProvider();
    await expect(provider.charge(charge('pm_card_chargeDeclined'))).resolves.toEqual({
      outcome: 'declined',
      declineCode: 'generic_decline',
    });
    await expect(provider.charge(charge('pm_card_chargeDeclinedInsufficientFunds'))).resolves.toEqual({
      outcome: 'declined',
      declineCode: 'insufficient_funds',
    });
  });

  it('declines a method it does not know with generic_decline, and never charges it', async () => {
    await expect(new SimulatedPaymentProvider().charge(charge('pm_card_amex'))).resolves.toEqual({
      outcome: 'declined',
      declineCode: 'generic_decline',
    });
  });

  it('fails pm_card_processingError with a transient error on every try', async () => {
    const provider = new SimulatedPaymentProvider();
    for (let i = 0; i < 3; i += 1) {
      const error = await provider.charge(charge('pm_card_processingError')).catch((e: unknown) => e);
      expect(isTransientProviderError(error)).toBe(true);
      expect((error as Error).message).toMatch(/processing_error/);
    }
    expect(provider.calls).toBe(3);
  });

  it('answers a repeated idempotency key with the first charge, not a second one', async () => {
    const provider = new SimulatedPaymentProvider();
    const first = await provider.charge(charge('pm_card_visa', 'order-1'));
    const again = await provider.charge(charge('pm_card_visa', 'order-1'));
    const other = await provider.charge(charge('pm_card_visa', 'order-2'));
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('refunds once per idempotency key', async () => {
    const provider = new SimulatedPaymentProvider();
    const request = { idempotencyKey: 'refund:order-1', chargeId: 'ch_sim_1', amountCents: 4_990 };
    const first = await provider.refund(request);
    expect(first.refundId).toMatch(/^re_sim_/);
    await expect(provider.refund(request)).resolves.toEqual(first);
  });
});
