import { status } from '@grpc/grpc-js';
import { defineErrors, type ErrorCode } from '@ecommerce/errors';
import type { OrderStateErrorCode } from '../domain/order-state';

/** Every way an order request fails on purpose, with its gRPC status. */
export const orderErrors = defineErrors({
  UNKNOWN_PRODUCT: status.INVALID_ARGUMENT,
  // The products of one order are priced in more than one currency.
  CURRENCY_MISMATCH: status.INVALID_ARGUMENT,
  // The total would not fit the order's INTEGER total_cents column.
  ORDER_TOTAL_TOO_LARGE: status.INVALID_ARGUMENT,
  // Missing, or another customer's: the two must look the same.
  ORDER_NOT_FOUND: status.NOT_FOUND,
  // The same Idempotency-Key with a different request (the gateway answers 422).
  IDEMPOTENCY_KEY_REUSED: status.FAILED_PRECONDITION,
  // The order state machine (domain/order-state.ts) refused a status change (e.g. confirming
  // a cancelled order).
  ORDER_TRANSITION_NOT_ALLOWED: status.FAILED_PRECONDITION,
  // CancelOrder for an order that is CANCELLED already (the gateway answers 409).
  ORDER_ALREADY_CANCELLED: status.FAILED_PRECONDITION,
  // inventory-service did not answer, so the order cannot be priced: try again later.
  INVENTORY_UNAVAILABLE: status.UNAVAILABLE,
});
export type OrderErrorCode = ErrorCode<typeof orderErrors>;

// The domain throws its own codes; this table must give each a status (else INTERNAL), so a
// code the domain adds and the table lacks fails `npm run typecheck` here.
type Maps<Code extends OrderErrorCode> = Code;
type _DomainCodesMapped = Maps<OrderStateErrorCode>;
