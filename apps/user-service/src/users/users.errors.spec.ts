import { status } from '@grpc/grpc-js';
import { USER_ERROR_CODES, userErrors, userErrorStatus } from './users.errors';

describe('userErrorStatus', () => {
  it('maps each domain error to the status the proto documents', () => {
    expect(userErrorStatus(userErrors.validationFailed([]).code)).toBe(status.INVALID_ARGUMENT);
    expect(userErrorStatus(userErrors.emailTaken().code)).toBe(status.ALREADY_EXISTS);
    expect(userErrorStatus(userErrors.invalidCredentials().code)).toBe(status.UNAUTHENTICATED);
    expect(userErrorStatus(userErrors.userNotFound().code)).toBe(status.NOT_FOUND);
  });

  it('has a status other than INTERNAL for every code, and INTERNAL for a code it does not know', () => {
    for (const code of USER_ERROR_CODES) expect(userErrorStatus(code)).not.toBe(status.INTERNAL);
    expect(userErrorStatus('SOMETHING_ELSE')).toBe(status.INTERNAL);
  });

  it('has a factory for every code', () => {
    const produced = Object.values(userErrors).map((make) => make([]).code);
    expect(new Set(produced)).toEqual(new Set(USER_ERROR_CODES));
  });
});
