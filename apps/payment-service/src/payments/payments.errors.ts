import { status } from '@grpc/grpc-js';
import { defineErrors, type ErrorCode } from '@ecommerce/errors';

/** Every way a payment-service call fails on purpose, with its gRPC status. */
export const paymentErrors = defineErrors({
  // Also for another customer's order: saying "it exists, but not for you" would confirm
  // that an order id is real.
  PAYMENT_NOT_FOUND: status.NOT_FOUND,
});
export type PaymentErrorCode = ErrorCode<typeof paymentErrors>;
