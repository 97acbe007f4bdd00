import { status } from '@grpc/grpc-js';
import { DomainError, type FieldError } from './domain-error';
import { domainErrorFilter } from './grpc-errors';

/** The code of a request that fails validation, which every service has (INVALID_ARGUMENT). */
export const VALIDATION_FAILED = 'VALIDATION_FAILED';

/** A service's errors: its codes, the one constructor, the status table and the gRPC filter. */
export interface ServiceErrors<Code extends string> {
  /** Every code, VALIDATION_FAILED included. */
  readonly codes: readonly Code[];
  /** The one way a use case fails on purpose: `throw errors.create('ORDER_NOT_FOUND', '...')`. */
  create(code: Code, message: string, fields?: FieldError[]): DomainError<Code>;
  /** The code's gRPC status; INTERNAL for a code the table does not have (a bug). */
  statusOf(code: string): status;
  /** The exception filter of the service's gRPC controllers (`@UseFilters(errors.Filter)`). */
  readonly Filter: ReturnType<typeof domainErrorFilter>;
}

/**
 * Declares a service's error codes with the gRPC status each maps to: `{ ORDER_NOT_FOUND:
 * status.NOT_FOUND, ... }`. The table is the list of codes, so no code can lack a status.
 * The code travels to the gateway in the `x-error-code` trailer (a string survives process
 * boundaries where `instanceof` does not), and the gateway maps the status to HTTP.
 */
export function defineErrors<const Table extends Record<string, status>>(
  table: Table,
): ServiceErrors<(keyof Table & string) | typeof VALIDATION_FAILED> {
  type Code = (keyof Table & string) | typeof VALIDATION_FAILED;
  const statuses: Record<string, status> = {
    [VALIDATION_FAILED]: status.INVALID_ARGUMENT,
    ...table,
  };
  const statusOf = (code: string): status =>
    Object.hasOwn(statuses, code) ? (statuses[code] as status) : status.INTERNAL;
  return {
    codes: Object.keys(statuses) as Code[],
    create: (code, message, fields = []) => new DomainError<Code>(code, message, fields),
    statusOf,
    Filter: domainErrorFilter(statusOf),
  };
}

/** The codes of a {@link defineErrors} result, as a type: `ErrorCode<typeof orderErrors>`. */
export type ErrorCode<E> = E extends ServiceErrors<infer Code> ? Code : never;
