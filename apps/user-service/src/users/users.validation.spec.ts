import { parseRequest } from '@ecommerce/validation';
import {
  listUsersSchema,
  normaliseEmail,
  registerSchema,
  updateUserSchema,
  userIdSchema,
} from './users.validation';

const valid = { email: 'ada@example.com', password: 'correct horse', name: 'Ada' };

/** The message for `field`, or undefined when the request passes. */
function problem(
  schema: Parameters<typeof parseRequest>[0],
  request: unknown,
  field: string,
): string | undefined {
  try {
    parseRequest(schema, request);
    return undefined;
  } catch (error) {
    return (error as { fields: Array<{ field: string; message: string }> }).fields.find(
      (f) => f.field === field,
    )?.message;
  }
}

describe('password policy', () => {
  it.each([
    ['7 characters', 'a'.repeat(7), false],
    ['8 characters', 'a'.repeat(8), true],
    ['128 characters', 'a'.repeat(128), true],
    ['129 characters', 'a'.repeat(129), false],
    ['8 spaces (never trimmed)', ' '.repeat(8), true],
    ['7 emoji, 14 UTF-16 units', '🔑'.repeat(7), false],
    ['8 emoji', '🔑'.repeat(8), true],
    ['no composition rules', 'password', true],
  ])('%s: accepted=%s', (_case, password, accepted) => {
    expect(problem(registerSchema, { ...valid, password }, 'password') === undefined).toBe(
      accepted,
    );
  });

  it('says what is expected', () => {
    expect(problem(registerSchema, { ...valid, password: 'short' }, 'password')).toBe(
      'must be 8 to 128 characters',
    );
  });
});

describe('name', () => {
  it('takes 1 to 100 characters, trimmed', () => {
    expect(problem(registerSchema, { ...valid, name: '  ' }, 'name')).toBe(
      'must be 1 to 100 characters',
    );
    expect(problem(registerSchema, { ...valid, name: 'é'.repeat(100) }, 'name')).toBeUndefined();
    expect(problem(registerSchema, { ...valid, name: 'a'.repeat(101) }, 'name')).toBe(
      'must be 1 to 100 characters',
    );
    expect(parseRequest(registerSchema, { ...valid, name: ' Ada ' }).name).toBe('Ada');
  });

  it('is optional in an update, which leaves the user as it is', () => {
    const id = '6f1c2a4e-8a7d-4a8e-9d61-1f0a3b2c4d5e';
    expect(parseRequest(updateUserSchema, { id })).toEqual({ id });
    expect(problem(updateUserSchema, { id, name: '' }, 'name')).toBe('must be 1 to 100 characters');
  });
});

describe('email', () => {
  it('is trimmed but keeps its case', () => {
    expect(normaliseEmail('  Ada@Example.COM \n')).toBe('Ada@Example.COM');
    expect(parseRequest(registerSchema, { ...valid, email: '  Ada@Example.COM \n' }).email).toBe(
      'Ada@Example.COM',
    );
  });

  it.each([
    ['', 'is required'],
    ['ada', 'must be an email address'],
    ['ada@example', 'must be an email address'],
    ['ada @example.com', 'must be an email address'],
    [`${'a'.repeat(250)}@x.io`, 'must be at most 254 characters'],
  ])('refuses %j', (email, message) => {
    expect(problem(registerSchema, { ...valid, email }, 'email')).toBe(message);
  });

  it('accepts an ordinary address', () => {
    expect(
      problem(registerSchema, { ...valid, email: 'ada.lovelace+shop@example.co.uk' }, 'email'),
    ).toBeUndefined();
  });
});

describe('ids and pages', () => {
  it('wants a UUID', () => {
    expect(
      problem(userIdSchema, { id: '6f1c2a4e-8a7d-4a8e-9d61-1f0a3b2c4d5e' }, 'id'),
    ).toBeUndefined();
    expect(problem(userIdSchema, { id: '42' }, 'id')).toBe('must be a UUID');
  });

  it('reads 0 (unset in proto3) as page 1 and the default page size', () => {
    expect(parseRequest(listUsersSchema, { page: 0, limit: 0 })).toEqual({ page: 1, limit: 10 });
  });
});

describe('a register request with several bad fields', () => {
  it('names each, in the order of the form', () => {
    expect(() =>
      parseRequest(registerSchema, { email: 'ada', password: 'short', name: '' }),
    ).toThrow(
      expect.objectContaining({
        fields: [
          { field: 'email', message: 'must be an email address' },
          { field: 'password', message: 'must be 8 to 128 characters' },
          { field: 'name', message: 'must be 1 to 100 characters' },
        ],
      }),
    );
  });
});
