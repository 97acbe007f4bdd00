import { randomUUID } from 'node:crypto';
import { type ServiceError, status } from '@grpc/grpc-js';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { userV1 } from '@ecommerce/contracts';
import { errorCodeOf, fieldErrorsOf } from '@ecommerce/errors';
import { DEFAULT_RESILIENCE, ResilientGrpcClient } from '@ecommerce/grpc';
import {
  AppProcess,
  appEnv,
  DEV_ADMIN,
  DEV_JWT,
  freePort,
  waitForServing,
  serviceCredentials,
} from '@ecommerce/testing';

type UserClient = ResilientGrpcClient<userV1.UserServiceClient>;

/** The gRPC error a call failed with (fails the test if it succeeded). */
async function failure(call: Promise<unknown>): Promise<ServiceError> {
  const outcome = await call.then(
    (value) => ({ value }),
    (error: ServiceError) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected the call to fail, got ${JSON.stringify(outcome.value)}`);
  return outcome.error;
}

const uniqueEmail = (name = 'ada') => `${name}-${randomUUID()}@example.com`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PASSWORD = 'correct horse battery';

describe('user-service over gRPC', () => {
  let app: AppProcess;
  let users: UserClient;
  const created: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    app = AppProcess.start('user-service', appEnv('user-service', { grpcPorts: { 'user-service': port }, metricsPorts: { 'user-service': await freePort() } }));
    await waitForServing(`127.0.0.1:${port}`, 30_000, app);
    // No retries: a test must see the first answer, not a second attempt's.
    users = new ResilientGrpcClient('user', `127.0.0.1:${port}`, {
      credentials: serviceCredentials(),
      resilience: { ...DEFAULT_RESILIENCE, retries: 0, deadlineMs: 10_000 },
    });
  });

  afterAll(async () => {
    await Promise.allSettled(created.map((id) => users.call('deleteUser', { id })));
    users?.close();
    await app?.stop();
  });

  const register = async (overrides: Partial<userV1.RegisterRequest> = {}) => {
    const response = await users.call('register', {
      email: uniqueEmail(),
      password: PASSWORD,
      name: 'Ada Lovelace',
      ...overrides,
    });
    if (response.user) created.push(response.user.id);
    return response;
  };

  async function verify(token: string) {
    const { keys } = await users.call('getJwks', {}, { idempotent: true });
    return jwtVerify(token, createLocalJWKSet({ keys: keys.map(({ n: _n, e: _e, ...jwk }) => jwk) }), {
      issuer: DEV_JWT.issuer,
      audience: DEV_JWT.audience,
      algorithms: ['EdDSA'],
    });
  }

  it('registers a customer, trimming the email, and never returns the password or its hash', async () => {
    const email = uniqueEmail();
    const { user } = await register({ email: `  ${email} `, name: '  Ada Lovelace ' });
    expect(user).toEqual({
      id: expect.stringMatching(UUID),
      email,
      name: 'Ada Lovelace',
      role: userV1.UserRole.CUSTOMER,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(Date.parse(user?.createdAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(JSON.stringify(user)).not.toMatch(/argon2|correct horse/);
  });

  it('logs in, case-insensitively, with an EdDSA token that verifies against GetJwks and carries the claims', async () => {
    const email = uniqueEmail('Grace');
    const { user } = await register({ email });
    const login = await users.call('login', { email: email.toUpperCase(), password: PASSWORD });
    expect(login).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: DEV_JWT.ttlSeconds });

    const { payload, protectedHeader } = await verify(login.accessToken);
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: expect.any(String) });
    expect(payload).toEqual({
      sub: user?.id,
      role: 'customer',
      iss: DEV_JWT.issuer,
      aud: DEV_JWT.audience,
      iat: expect.any(Number),
      exp: (payload.iat ?? 0) + DEV_JWT.ttlSeconds,
      jti: expect.stringMatching(UUID),
    });
    expect(Math.abs((payload.iat ?? 0) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('serves each JWKS key as a public Ed25519 signing key and nothing more', async () => {
    const { keys } = await users.call('getJwks', {});
    expect(keys.length).toBeGreaterThanOrEqual(1);
    for (const key of keys) {
      expect(key).toEqual({
        kid: expect.any(String),
        kty: 'OKP',
        crv: 'Ed25519',
        x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        alg: 'EdDSA',
        use: 'sig',
        n: '',
        e: '',
      });
    }
    const { accessToken } = await users.call('login', { email: DEV_ADMIN.email, password: DEV_ADMIN.password });
    expect(keys.map((key) => key.kid)).toContain(decodeProtectedHeader(accessToken).kid);
  });

  it('lets the seeded admin log in, with role admin', async () => {
    const { accessToken } = await users.call('login', { email: DEV_ADMIN.email, password: DEV_ADMIN.password });
    const { payload } = await verify(accessToken);
    expect(payload['role']).toBe('admin');
    const { user } = await users.call('getUser', { id: payload.sub ?? '' });
    expect(user).toMatchObject({ email: DEV_ADMIN.email, role: userV1.UserRole.ADMIN });
  });

  it('refuses an email that is taken in another case with ALREADY_EXISTS', async () => {
    const email = uniqueEmail('Taken');
    await register({ email });
    const error = await failure(register({ email: email.toLowerCase().replace('taken', 'TAKEN') }));
    expect(error.code).toBe(status.ALREADY_EXISTS);
    expect(errorCodeOf(error)).toBe('EMAIL_TAKEN');
  });

  it('lets exactly one of two simultaneous registrations of one email succeed', async () => {
    for (let round = 0; round < 3; round++) {
      const email = uniqueEmail('race');
      const outcomes = await Promise.allSettled([register({ email }), register({ email: email.toUpperCase() })]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(rejected.map((o) => (o.reason as ServiceError).code)).toEqual([status.ALREADY_EXISTS]);
    }
  });

  it('answers a wrong password and an unknown email alike: UNAUTHENTICATED, same message', async () => {
    const email = uniqueEmail();
    await register({ email });
    const wrong = await failure(users.call('login', { email, password: 'not the password' }));
    const unknown = await failure(users.call('login', { email: uniqueEmail('nobody'), password: PASSWORD }));
    for (const error of [wrong, unknown]) {
      expect(error.code).toBe(status.UNAUTHENTICATED);
      expect(errorCodeOf(error)).toBe('INVALID_CREDENTIALS');
    }
    expect(unknown.details).toBe(wrong.details);
  });

  it('reads, renames and deletes a user; NOT_FOUND once it is gone', async () => {
    const { user } = await register();
    const id = user?.id ?? '';
    await expect(users.call('getUser', { id })).resolves.toEqual({ user });

    await expect(users.call('updateUser', { id })).resolves.toEqual({ user });
    const { user: renamed } = await users.call('updateUser', { id, name: ' Countess of Lovelace ' });
    expect(renamed).toMatchObject({ id, email: user?.email, name: 'Countess of Lovelace', createdAt: user?.createdAt });
    expect(Date.parse(renamed?.updatedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(user?.updatedAt ?? ''));
    await expect(users.call('getUser', { id })).resolves.toEqual({ user: renamed });

    await expect(users.call('deleteUser', { id })).resolves.toEqual({});
    for (const call of [
      () => users.call('getUser', { id }),
      () => users.call('updateUser', { id, name: 'Ghost' }),
      () => users.call('deleteUser', { id }),
    ]) {
      const error = await failure(call());
      expect(error.code).toBe(status.NOT_FOUND);
      expect(errorCodeOf(error)).toBe('USER_NOT_FOUND');
    }
  });

  it('lists users newest first in pages that add up', async () => {
    const mine: string[] = [];
    for (let i = 0; i < 3; i++) mine.push((await register()).user?.id ?? '');

    const first = await users.call('listUsers', { page: 1, limit: 2 });
    const { total } = first.pagination ?? { total: 0 };
    expect(first.pagination).toEqual({ page: 1, limit: 2, total, pages: Math.ceil(total / 2) });
    expect(first.data).toHaveLength(2);

    const all: userV1.User[] = [];
    for (let page = 1; ; page++) {
      const { data, pagination } = await users.call('listUsers', { page, limit: 100 });
      all.push(...data);
      if (page >= (pagination?.pages ?? 0)) break;
    }
    const ids = all.map((user) => user.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Mine were created one after another, so they appear newest first, in reverse order.
    const positions = mine.map((id) => ids.indexOf(id));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => b - a)).toEqual(positions);
    for (let i = 1; i < all.length; i++) {
      expect(Date.parse(all[i - 1]?.createdAt ?? '')).toBeGreaterThanOrEqual(Date.parse(all[i]?.createdAt ?? ''));
    }
  });

  it('answers bad input with INVALID_ARGUMENT and a field error for each field', async () => {
    const registration = await failure(users.call('register', { email: 'nope', password: 'short', name: ' ' }));
    expect(registration.code).toBe(status.INVALID_ARGUMENT);
    expect(errorCodeOf(registration)).toBe('VALIDATION_FAILED');
    expect(fieldErrorsOf(registration)).toEqual([
      { field: 'email', message: 'must be an email address' },
      { field: 'password', message: 'must be 8 to 128 characters' },
      { field: 'name', message: 'must be 1 to 100 characters' },
    ]);

    const { user } = await register();
    const rename = await failure(users.call('updateUser', { id: user?.id ?? '', name: 'x'.repeat(101) }));
    expect(rename.code).toBe(status.INVALID_ARGUMENT);
    expect(fieldErrorsOf(rename)).toEqual([{ field: 'name', message: 'must be 1 to 100 characters' }]);

    const badId = await failure(users.call('getUser', { id: 'not-a-uuid' }));
    expect(badId.code).toBe(status.INVALID_ARGUMENT);
    expect(fieldErrorsOf(badId)).toEqual([{ field: 'id', message: 'must be a UUID' }]);

    const page = await failure(users.call('listUsers', { page: 1, limit: 101 }));
    expect(page.code).toBe(status.INVALID_ARGUMENT);
    expect(fieldErrorsOf(page)).toEqual([{ field: 'limit', message: 'must be at most 100' }]);
  });
});
