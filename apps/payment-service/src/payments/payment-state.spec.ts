import { canTransition, refundDecision } from './payment-state';

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
