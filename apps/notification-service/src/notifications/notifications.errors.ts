import { status } from '@grpc/grpc-js';
import { DomainError, domainErrorFilter, type FieldError } from '@ecommerce/errors';

/** Every way a notification-service call can fail on purpose. */
export const NOTIFICATION_ERROR_CODES = ['VALIDATION_FAILED'] as const;
export type NotificationErrorCode = (typeof NOTIFICATION_ERROR_CODES)[number];

export const notificationErrors = {
  validationFailed: (fields: FieldError[]) =>
    new DomainError<NotificationErrorCode>('VALIDATION_FAILED', 'the request is invalid', fields),
};

/** The service's one table from error code to gRPC status; a code not listed is a bug: INTERNAL. */
export function notificationErrorStatus(code: string): status {
  const known = code as NotificationErrorCode;
  switch (known) {
    case 'VALIDATION_FAILED':
      return status.INVALID_ARGUMENT;
    default: {
      // Adding a code to NOTIFICATION_ERROR_CODES without a case here fails to compile.
      const unmapped: never = known;
      void unmapped;
      return status.INTERNAL;
    }
  }
}

export const NotificationErrorFilter = domainErrorFilter(notificationErrorStatus);
