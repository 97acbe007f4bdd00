import { DomainError, type FieldError } from './domain-error';

describe('DomainError', () => {
  it('is an Error named DomainError, with its message, code and a stack', () => {
    const error = new DomainError('EMAIL_TAKEN', 'this email is already registered');

    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(DomainError);
    expect(error.name).toBe('DomainError');
    expect(error.message).toBe('this email is already registered');
    expect(error.code).toBe('EMAIL_TAKEN');
    expect(error.stack).toMatch(/^DomainError: this email is already registered\n/);
    expect(String(error)).toBe('DomainError: this email is already registered');
  });

  it('carries the field errors given, in order', () => {
    const fields: FieldError[] = [
      { field: 'email', message: 'must be an email address' },
      { field: 'items[2].productId', message: 'no such product' },
    ];
    const error = new DomainError('VALIDATION_FAILED', 'the request is invalid', fields);
    expect(error.fields).toEqual([
      { field: 'email', message: 'must be an email address' },
      { field: 'items[2].productId', message: 'no such product' },
    ]);
  });

  it('has no field errors by default, and no two errors share that empty list', () => {
    const first = new DomainError('USER_NOT_FOUND', 'user not found');
    const second = new DomainError('USER_NOT_FOUND', 'user not found');
    expect(first.fields).toEqual([]);
    first.fields.push({ field: 'id', message: 'leaked' });
    expect(second.fields).toEqual([]);
    expect(new DomainError('X', 'y').fields).toEqual([]);
  });

  it('keeps a typed code: a union of literals narrows what can be constructed', () => {
    type Code = 'ORDER_NOT_FOUND' | 'ORDER_ALREADY_CANCELLED';
    const error: DomainError<Code> = new DomainError<Code>(
      'ORDER_NOT_FOUND',
      'order o-1 does not exist',
    );
    const codes: Code[] = [error.code];
    expect(codes).toEqual(['ORDER_NOT_FOUND']);
    // @ts-expect-error a code outside the union does not compile
    new DomainError<Code>('PAYMENT_NOT_FOUND', 'nope');
  });
});
