import { status } from '@grpc/grpc-js';
import { defineErrors, type ErrorCode } from '@ecommerce/errors';

/** Every way a catalog or stock request fails on purpose, with its gRPC status. */
export const productErrors = defineErrors({
  PRODUCT_NOT_FOUND: status.NOT_FOUND,
  SKU_TAKEN: status.ALREADY_EXISTS,
  // A restock would push the stock past what its column can hold.
  STOCK_LIMIT_EXCEEDED: status.FAILED_PRECONDITION,
});
export type ProductErrorCode = ErrorCode<typeof productErrors>;
