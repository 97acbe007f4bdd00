import { status } from '@grpc/grpc-js';
import { DomainError, domainErrorFilter, type FieldError } from '@ecommerce/errors';

/** Every way a catalog or stock request can fail on purpose. */
export type ProductErrorCode =
  | 'VALIDATION_FAILED'
  | 'PRODUCT_NOT_FOUND'
  | 'SKU_TAKEN'
  // A restock would push the stock past what its column can hold.
  | 'STOCK_LIMIT_EXCEEDED';

export function productError(
  code: ProductErrorCode,
  message: string,
  fields: FieldError[] = [],
): DomainError<ProductErrorCode> {
  return new DomainError(code, message, fields);
}

/** The service's one table from error code to gRPC status (the gateway maps status to HTTP). */
export function grpcStatusOf(code: ProductErrorCode): status {
  switch (code) {
    case 'VALIDATION_FAILED':
      return status.INVALID_ARGUMENT;
    case 'PRODUCT_NOT_FOUND':
      return status.NOT_FOUND;
    case 'SKU_TAKEN':
      return status.ALREADY_EXISTS;
    case 'STOCK_LIMIT_EXCEEDED':
      return status.FAILED_PRECONDITION;
    default:
      return unknownCode(code);
  }
}

/** Compiles only while the switch above names every code; a stray code at run time is a bug. */
function unknownCode(_code: never): status {
  return status.INTERNAL;
}

export const ProductsErrorFilter = domainErrorFilter((code) =>
  grpcStatusOf(code as ProductErrorCode),
);
