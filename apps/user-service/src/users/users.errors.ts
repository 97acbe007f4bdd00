import { status } from '@grpc/grpc-js';
import { DomainError, domainErrorFilter, type FieldError } from '@ecommerce/errors';

/** Every way a user-service call can fail on purpose. */
export const USER_ERROR_CODES = ['VALIDATION_FAILED', 'EMAIL_TAKEN', 'INVALID_CREDENTIALS', 'USER_NOT_FOUND'] as const;
export type UserErrorCode = (typeof USER_ERROR_CODES)[number];

export const userErrors = {
  validationFailed: (fields: FieldError[]) =>
    new DomainError<UserErrorCode>('VALIDATION_FAILED', 'the request is invalid', fields),
  emailTaken: () => new DomainError<UserErrorCode>('EMAIL_TAKEN', 'this email is already registered'),
  // One message for an unknown email and a wrong password: telling them apart would let
  // anyone probe which addresses have accounts.
  invalidCredentials: () => new DomainError<UserErrorCode>('INVALID_CREDENTIALS', 'invalid email or password'),
  userNotFound: () => new DomainError<UserErrorCode>('USER_NOT_FOUND', 'user not found'),
};

/** The service's one table from error code to gRPC status; a code not listed is a bug: INTERNAL. */
export function userErrorStatus(code: string): status {
  const known = code as UserErrorCode;
  switch (known) {
    case 'VALIDATION_FAILED':
      return status.INVALID_ARGUMENT;
    case 'EMAIL_TAKEN':
      return status.ALREADY_EXISTS;
    case 'INVALID_CREDENTIALS':
      return status.UNAUTHENTICATED;
    case 'USER_NOT_FOUND':
      return status.NOT_FOUND;
    default: {
      // Adding a code to USER_ERROR_CODES without a case here fails to compile.
      const unmapped: never = known;
      void unmapped;
      return status.INTERNAL;
    }
  }
}

export const UserErrorFilter = domainErrorFilter(userErrorStatus);
