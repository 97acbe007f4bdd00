import { status } from '@grpc/grpc-js';
import { grpcStatusOf, type OrderErrorCode } from './orders.errors';

describe('grpcStatusOf', () => {
  it.each<[OrderErrorCode, status]>([
    ['VALIDATION_FAILED', status.INVALID_ARGUMENT],
    ['UNKNOWN_PRODUCT', status.INVALID_ARGUMENT],
    ['CURRENCY_MISMATCH', status.INVALID_ARGUMENT],
    ['ORDER_TOTAL_TOO_LARGE', status.INVALID_ARGUMENT],
    ['ORDER_NOT_FOUND', status.NOT_FOUND],
    ['IDEMPOTENCY_KEY_REUSED', status.FAILED_PRECONDITION],
    ['ORDER_TRANSITION_NOT_ALLOWED', status.FAILED_PRECONDITION],
    ['ORDER_ALREADY_CANCELLED', status.FAILED_PRECONDITION],
    ['INVENTORY_UNAVAILABLE', status.UNAVAILABLE],
  ])('%s → %s', (code, expected) => {
    expect(grpcStatusOf(code)).toBe(expected);
  });

  it('treats a code it does not know as a bug (INTERNAL)', () => {
    expect(grpcStatusOf('SOMETHING_ELSE' as OrderErrorCode)).toBe(status.INTERNAL);
  });
});
