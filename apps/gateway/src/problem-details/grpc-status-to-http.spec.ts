import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { BrokenCircuitError, BulkheadRejectedError } from 'cockatiel';
import { DomainError, toGrpcError } from '@ecommerce/errors';
import { problemForBackendError } from './grpc-status-to-http';

/** A failed call as grpc-js reports it on the client side. */
function grpcError(code: status, details: string, metadata = new Metadata()): ServiceError {
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });
}

function fromDomain(error: DomainError, code: status): ServiceError {
  const payload = toGrpcError(error, code);
  return grpcError(payload.code, payload.message, payload.metadata);
}

describe('problemForBackendError', () => {
  it.each([
    [status.INVALID_ARGUMENT, 400],
    [status.PERMISSION_DENIED, 403],
    [status.NOT_FOUND, 404],
    [status.ALREADY_EXISTS, 409],
    [status.FAILED_PRECONDITION, 409],
    [status.RESOURCE_EXHAUSTED, 429],
    [status.UNIMPLEMENTED, 501],
    [status.UNAVAILABLE, 503],
    [status.DEADLINE_EXCEEDED, 503],
    [status.INTERNAL, 500],
    [status.UNKNOWN, 500],
    [status.DATA_LOSS, 500],
    [status.ABORTED, 500],
  ])('maps gRPC %s to HTTP %s', (code, http) => {
    expect(problemForBackendError(grpcError(code, 'x'))?.status).toBe(http);
  });

  it('gives 4xx the domain message, code and field errors the backend chose for clients', () => {
    const error = fromDomain(
      new DomainError('UNKNOWN_PRODUCT', 'No such product', [{ field: 'items[1].productId', message: 'no such product' }]),
      status.INVALID_ARGUMENT,
    );
    expect(problemForBackendError(error)).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'No such product',
      code: 'UNKNOWN_PRODUCT',
      errors: [{ field: 'items[1].productId', message: 'no such product' }],
    });
  });

  it('answers 422 for a reused Idempotency-Key, whatever gRPC status carried it', () => {
    const error = fromDomain(new DomainError('IDEMPOTENCY_KEY_REUSED', 'key reused'), status.FAILED_PRECONDITION);
    expect(problemForBackendError(error)).toMatchObject({ status: 422, title: 'Unprocessable Entity', code: 'IDEMPOTENCY_KEY_REUSED' });
    // The same status without that code stays a 409.
    const conflict = fromDomain(new DomainError('ORDER_ALREADY_CANCELLED', 'already cancelled'), status.FAILED_PRECONDITION);
    expect(problemForBackendError(conflict)?.status).toBe(409);
  });

  it('answers 401 for a domain UNAUTHENTICATED, and 500 when a backend refused the service token of the gateway', () => {
    const wrongPassword = fromDomain(
      new DomainError('INVALID_CREDENTIALS', 'invalid email or password'),
      status.UNAUTHENTICATED,
    );
    expect(problemForBackendError(wrongPassword)).toMatchObject({
      status: 401,
      detail: 'invalid email or password',
      code: 'INVALID_CREDENTIALS',
    });
    const refused = grpcError(
      status.UNAUTHENTICATED,
      'the service token signature does not verify with the key of its caller',
    );
    expect(problemForBackendError(refused)).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
    });
  });

  it('never passes a backend message on in a 5xx', () => {
    const leaky = grpcError(status.INTERNAL, 'relation "users" does not exist at db.internal:5432');
    expect(problemForBackendError(leaky)).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500 });
    const unavailable = problemForBackendError(grpcError(status.UNAVAILABLE, 'connect ECONNREFUSED 10.0.0.7:50051'));
    expect(JSON.stringify(unavailable)).not.toMatch(/10\.0\.0\.7|ECONNREFUSED/);
    expect(unavailable?.status).toBe(503);
  });

  it('answers 503 for an open circuit and a full bulkhead', () => {
    expect(problemForBackendError(new BrokenCircuitError())?.status).toBe(503);
    expect(problemForBackendError(new BulkheadRejectedError(1, 0))?.status).toBe(503);
  });

  it('does not claim errors that are not from a backend call', () => {
    expect(problemForBackendError(new TypeError('bug'))).toBeUndefined();
  });
});
