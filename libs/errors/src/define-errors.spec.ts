import { status } from '@grpc/grpc-js';
import { lastValueFrom } from 'rxjs';
import { defineErrors, type ErrorCode, VALIDATION_FAILED } from './define-errors';
import { DomainError } from './domain-error';
import { ERROR_CODE_KEY, type GrpcErrorPayload } from './grpc-errors';

const errors = defineErrors({
  ORDER_NOT_FOUND: status.NOT_FOUND,
  INVENTORY_UNAVAILABLE: status.UNAVAILABLE,
});

describe('defineErrors', () => {
  it('maps each code to its status, and every service has VALIDATION_FAILED as INVALID_ARGUMENT', () => {
    expect(errors.statusOf('ORDER_NOT_FOUND')).toBe(status.NOT_FOUND);
    expect(errors.statusOf('INVENTORY_UNAVAILABLE')).toBe(status.UNAVAILABLE);
    expect(errors.statusOf(VALIDATION_FAILED)).toBe(status.INVALID_ARGUMENT);
    expect([...errors.codes].sort()).toEqual([
      'INVENTORY_UNAVAILABLE',
      'ORDER_NOT_FOUND',
      'VALIDATION_FAILED',
    ]);
  });

  it('treats a code it does not have as a bug: INTERNAL, also for names on the prototype', () => {
    expect(errors.statusOf('EMAIL_TAKEN')).toBe(status.INTERNAL);
    expect(errors.statusOf('toString')).toBe(status.INTERNAL);
    expect(errors.statusOf('__proto__')).toBe(status.INTERNAL);
  });

  it('lets a service override the status of VALIDATION_FAILED only on purpose', () => {
    const odd = defineErrors({ VALIDATION_FAILED: status.FAILED_PRECONDITION });
    expect(odd.statusOf(VALIDATION_FAILED)).toBe(status.FAILED_PRECONDITION);
  });

  it('creates DomainErrors with the code, the message and the field errors', () => {
    const error = errors.create('ORDER_NOT_FOUND', 'order 42 does not exist');
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: 'ORDER_NOT_FOUND',
      message: 'order 42 does not exist',
      fields: [],
    });
    const invalid = errors.create('VALIDATION_FAILED', 'the request is invalid', [
      { field: 'id', message: 'must be a UUID' },
    ]);
    expect(invalid.fields).toEqual([{ field: 'id', message: 'must be a UUID' }]);
    // @ts-expect-error: a code the service did not declare does not compile.
    errors.create('EMAIL_TAKEN', 'nope');
    const code: ErrorCode<typeof errors> = 'INVENTORY_UNAVAILABLE';
    expect(code).toBe('INVENTORY_UNAVAILABLE');
  });

  it("gives a filter that answers with the table's status and the code in the trailer", async () => {
    const filter = new errors.Filter();
    const failed = await lastValueFrom(
      filter.catch(errors.create('INVENTORY_UNAVAILABLE', 'try later'), {} as never),
    ).catch((error: GrpcErrorPayload) => error);
    expect(failed).toMatchObject({ code: status.UNAVAILABLE, message: 'try later' });
    expect((failed as GrpcErrorPayload).metadata.get(ERROR_CODE_KEY)).toEqual([
      'INVENTORY_UNAVAILABLE',
    ]);
  });
});
