import {
  emailProblem,
  fieldErrors,
  idProblem,
  nameProblem,
  normaliseEmail,
  parsePage,
  passwordProblem,
} from './users.validation';

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
    expect(passwordProblem(password) === undefined).toBe(accepted);
  });

  it('says what is expected', () => {
    expect(passwordProblem('short')).toBe('must be 8 to 128 characters');
  });
});

describe('name', () => {
  it('takes 1 to 100 characters', () => {
    expect(nameProblem('')).toBe('must be 1 to 100 characters');
    expect(nameProblem('A')).toBeUndefined();
    expect(nameProblem('é'.repeat(100))).toBeUndefined();
    expect(nameProblem('a'.repeat(101))).toBe('must be 1 to 100 characters');
  });
});

describe('email', () => {
  it('is trimmed but keeps its case', () => {
    expect(normaliseEmail('  Ada@Example.COM \n')).toBe('Ada@Example.COM');
  });

  it.each([
    ['', 'is required'],
    ['ada', 'must be an email address'],
    ['ada@example', 'must be an email address'],
    ['ada @example.com', 'must be an email address'],
    [`${'a'.repeat(250)}@x.io`, 'must be at most 254 characters'],
  ])('refuses %j', (email, message) => {
    expect(emailProblem(email)).toBe(message);
  });

  it('accepts an ordinary address', () => {
    expect(emailProblem('ada.lovelace+shop@example.co.uk')).toBeUndefined();
  });
});

describe('ids and pages', () => {
  it('wants a UUID', () => {
    expect(idProblem('6f1c2a4e-8a7d-4a8e-9d61-1f0a3b2c4d5e')).toBeUndefined();
    expect(idProblem('42')).toBe('must be a UUID');
  });

  it('reads 0 (unset in proto3) as page 1 and the default page size', () => {
    expect(parsePage({ page: 0, limit: 0 })).toEqual({ page: { page: 1, limit: 10 }, problems: [] });
  });

  it('takes a limit of 1 to 100 and a page of 1 or more', () => {
    expect(parsePage({ page: 3, limit: 100 }).problems).toEqual([]);
    expect(parsePage({ page: -1, limit: 101 }).problems).toEqual([
      { field: 'page', message: 'must be 1 or more' },
      { field: 'limit', message: 'must be 1 to 100' },
    ]);
  });
});

describe('fieldErrors', () => {
  it('lists the failed checks only, in order', () => {
    expect(fieldErrors({ email: 'bad', password: undefined, name: 'worse' })).toEqual([
      { field: 'email', message: 'bad' },
      { field: 'name', message: 'worse' },
    ]);
  });
});
