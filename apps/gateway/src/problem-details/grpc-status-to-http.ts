import { status } from '@grpc/grpc-js';
import { BrokenCircuitError, BulkheadRejectedError, TaskCancelledError } from 'cockatiel';
import { errorCodeOf, fieldErrorsOf, isGrpcError } from '@ecommerce/errors';
import { problem, type ProblemDetails } from './problem-details';

/**
 * THE table from a backend's gRPC status to the HTTP status a client sees. Every backend
 * maps its domain errors to a gRPC status in its own `<capability>.errors.ts`; this is the
 * second and last hop.
 */
export const HTTP_STATUS_OF_GRPC: Readonly<Record<status, number>> = {
  [status.OK]: 500, // a failed call never has status OK: treat it as a bug
  [status.CANCELLED]: 500,
  [status.UNKNOWN]: 500,
  [status.INVALID_ARGUMENT]: 400,
  [status.DEADLINE_EXCEEDED]: 503,
  [status.NOT_FOUND]: 404,
  [status.ALREADY_EXISTS]: 409,
  [status.PERMISSION_DENIED]: 403,
  [status.RESOURCE_EXHAUSTED]: 429,
  [status.FAILED_PRECONDITION]: 409,
  [status.ABORTED]: 500,
  [status.OUT_OF_RANGE]: 500,
  [status.UNIMPLEMENTED]: 501,
  [status.INTERNAL]: 500,
  [status.UNAVAILABLE]: 503,
  [status.DATA_LOSS]: 500,
  [status.UNAUTHENTICATED]: 401,
};

/**
 * Domain codes (the `x-error-code` trailer) whose HTTP status the gRPC status alone cannot
 * tell. IDEMPOTENCY_KEY_REUSED travels as FAILED_PRECONDITION, which is otherwise a 409;
 * the API answers 422 for it, as the IETF Idempotency-Key draft does.
 */
export const HTTP_STATUS_OF_DOMAIN_CODE: Readonly<Record<string, number>> = {
  IDEMPOTENCY_KEY_REUSED: 422,
};

/**
 * The problem a client sees for an error from a backend call, or undefined when `error` is
 * not one (a bug in the gateway itself). 4xx carry the backend's message and field errors,
 * which domain errors write for clients; 5xx never do: the client learns only that a
 * backend is unavailable or failed, never its message, host or stack.
 */
export function problemForBackendError(error: unknown): ProblemDetails | undefined {
  if (error instanceof BrokenCircuitError || error instanceof BulkheadRejectedError || error instanceof TaskCancelledError) {
    return problem(503, 'A service the request needs is temporarily unavailable. Try again shortly.');
  }
  if (!isGrpcError(error)) return undefined;
  const code = errorCodeOf(error);
  // UNAUTHENTICATED with a domain code is the client's (a wrong password); without one, the
  // backend refused the gateway's own service token, which no client can fix: a 500, logged.
  if (error.code === status.UNAUTHENTICATED && !code) return problem(500);
  const httpStatus = (code && HTTP_STATUS_OF_DOMAIN_CODE[code]) || HTTP_STATUS_OF_GRPC[error.code] || 500;
  if (httpStatus === 503) return problem(503, 'A service the request needs is temporarily unavailable. Try again shortly.');
  if (httpStatus === 501) return problem(501, 'This operation is not available yet.');
  if (httpStatus >= 500) return problem(httpStatus);
  const fields = fieldErrorsOf(error);
  return problem(httpStatus, error.details || undefined, {
    ...(code ? { code } : {}),
    ...(fields.length ? { errors: fields } : {}),
  });
}
