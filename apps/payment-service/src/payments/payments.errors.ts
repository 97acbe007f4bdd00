import { status } from '@grpc/grpc-js';
import { DomainError, domainErrorFilter, type FieldError } from '@ecommerce/errors';

/** Every way a payment-service call can fail on purpose. */
export const PAYMENT_ERROR_CODES = ['VALIDATION_FAILED', 'PAYMENT_NOT_FOUND'] as const;
export type PaymentErrorCode = (typeof PAYMENT_ERROR_CODES)[number];

export const paymentErrors = {
  validationFailed: (fields: FieldError[]) =>
    new DomainError<PaymentErrorCode>('VALIDATION_FAILED', 'the request is invalid', fields),
  // Also for another customer's order: saying "it exists, but not for you" would confirm
  // that an order id is real.
  paymentNotFound: () => new DomainError<PaymentErrorCode>('PAYMENT_NOT_FOUND', 'payment not found'),
};

/** The service's one table from error code to gRPC status; a code not listed is a bug: INTERNAL. */
export function paymentErrorStatus(code: string): status {
  const known = code as PaymentErrorCode;
  switch (known) {
    case 'VALIDATION_FAILED':
      return status.INVALID_ARGUMENT;
    case 'PAYMENT_NOT_FOUND':
      return status.NOT_FOUND;
    default: {
      // Adding a code to PAYMENT_ERROR_CODES without a case here fails to compile.
      const unmapped: never = known;
      void unmapped;
      return status.INTERNAL;
    }
  }
}

export const PaymentErrorFilter = domainErrorFilter(paymentErrorStatus);
