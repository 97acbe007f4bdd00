import { status } from '@grpc/grpc-js';
import { DomainError, domainErrorFilter, type FieldError } from '@ecommerce/errors';

/** Every way an order request can fail on purpose. */
export type OrderErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNKNOWN_PRODUCT'
  // The products of one order are priced in more than one currency.
  | 'CURRENCY_MISMATCH'
  // The total would not fit the order's INTEGER total_cents column.
  | 'ORDER_TOTAL_TOO_LARGE'
  // Missing, or another customer's: the two must look the same.
  | 'ORDER_NOT_FOUND'
  // The same Idempotency-Key with a different request (the gateway answers 422).
  | 'IDEMPOTENCY_KEY_REUSED'
  // The order state machine refused a status change (e.g. confirming a cancelled order).
  | 'ORDER_TRANSITION_NOT_ALLOWED'
  // CancelOrder for an order that is CANCELLED already (the gateway answers 409).
  | 'ORDER_ALREADY_CANCELLED'
  // inventory-service did not answer, so the order cannot be priced: try again later.
  | 'INVENTORY_UNAVAILABLE';

export function orderError(
  code: OrderErrorCode,
  message: string,
  fields: FieldError[] = [],
): DomainError<OrderErrorCode> {
  return new DomainError(code, message, fields);
}

/** The service's one table from error code to gRPC status (the gateway maps status to HTTP). */
export function grpcStatusOf(code: OrderErrorCode): status {
  switch (code) {
    case 'VALIDATION_FAILED':
    case 'UNKNOWN_PRODUCT':
    case 'CURRENCY_MISMATCH':
    case 'ORDER_TOTAL_TOO_LARGE':
      return status.INVALID_ARGUMENT;
    case 'ORDER_NOT_FOUND':
      return status.NOT_FOUND;
    case 'IDEMPOTENCY_KEY_REUSED':
    case 'ORDER_TRANSITION_NOT_ALLOWED':
    case 'ORDER_ALREADY_CANCELLED':
      return status.FAILED_PRECONDITION;
    case 'INVENTORY_UNAVAILABLE':
      return status.UNAVAILABLE;
    default:
      return unknownCode(code);
  }
}

/** Compiles only while the switch above names every code; a stray code at run time is a bug. */
function unknownCode(_code: never): status {
  return status.INTERNAL;
}

export const OrdersErrorFilter = domainErrorFilter((code) => grpcStatusOf(code as OrderErrorCode));
