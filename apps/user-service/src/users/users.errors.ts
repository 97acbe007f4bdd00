import { status } from '@grpc/grpc-js';
import { defineErrors, type ErrorCode } from '@ecommerce/errors';

/** Every way a user-service call fails on purpose, with its gRPC status. */
export const userErrors = defineErrors({
  EMAIL_TAKEN: status.ALREADY_EXISTS,
  // One message for an unknown email and a wrong password: telling them apart would let
  // anyone probe which addresses have accounts.
  INVALID_CREDENTIALS: status.UNAUTHENTICATED,
  USER_NOT_FOUND: status.NOT_FOUND,
});
export type UserErrorCode = ErrorCode<typeof userErrors>;
