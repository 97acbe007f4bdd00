import { status } from '@grpc/grpc-js';
import { grpcStatusOf, type ProductErrorCode } from './products.errors';

describe('grpcStatusOf', () => {
  it.each<[ProductErrorCode, status]>([
    ['VALIDATION_FAILED', status.INVALID_ARGUMENT],
    ['PRODUCT_NOT_FOUND', status.NOT_FOUND],
    ['SKU_TAKEN', status.ALREADY_EXISTS],
    ['STOCK_LIMIT_EXCEEDED', status.FAILED_PRECONDITION],
  ])('%s → %s', (code, expected) => {
    expect(grpcStatusOf(code)).toBe(expected);
  });

  it('treats a code it does not know as a bug (INTERNAL)', () => {
    expect(grpcStatusOf('SOMETHING_ELSE' as ProductErrorCode)).toBe(status.INTERNAL);
  });
});
