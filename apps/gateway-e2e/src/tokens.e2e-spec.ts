import { randomUUID } from 'node:crypto';
import { base64url, generateKeyPair, type JWK, SignJWT } from 'jose';
import type { userV1 } from '@ecommerce/contracts';
import { ResilientGrpcClient } from '@ecommerce/grpc';
import { AppProcess, freePort, waitForServing } from '@ecommerce/testing';
import { api, expectProblem, newCustomer, stack, type TestUser } from '@ecommerce/testing/e2e';

const segment = (value: object) => base64url.encode(JSON.stringify(value));
const decode = (part: string) => JSON.parse(new TextDecoder().decode(base64url.decode(part))) as Record<string, unknown>;

/** A protected route answers 401 problem+json with WWW-Authenticate: Bearer. */
async function expectUnauthorized(token: string | undefined) {
  const req = api().get('/api/v1/users/me');
  const res = await (token === undefined ? req : req.set('Authorization', `Bearer ${token}`));
  expectProblem(res, 401);
  expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  return res;
}

describe('access tokens', () => {
  let user: TestUser;
  let jwk: JWK;

  beforeAll(async () => {
    user = await newCustomer('tokens');
    const jwks = await api().get('/.well-known/jwks.json').expect(200);
    jwk = jwks.body.keys[0];
  });

  it('GET /.well-known/jwks.json serves the public Ed25519 keys and nothing private', async () => {
    const res = await api().get('/.well-known/jwks.json').expect(200);
    expect(res.body.keys.length).toBeGreaterThanOrEqual(1);
    for (const key of res.body.keys) {
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: expect.any(String), x: expect.any(String) });
      expect(key).not.toHaveProperty('d');
    }
    const [header] = user.token.split('.') as [string];
    expect(res.body.keys.map((k: JWK) => k.kid)).toContain(decode(header)['kid']);
  });

  it('accepts the token user-service issued', async () => {
    const res = await api().get('/api/v1/users/me').set(user.auth).expect(200);
    expect(res.body).toMatchObject({ id: user.id, email: user.email, role: 'customer' });
  });

  it('401 without a token, with a malformed one, or with another scheme', async () => {
    await expectUnauthorized(undefined);
    await expectUnauthorized('garbage');
    const basic = await api().get('/api/v1/users/me').set('Authorization', 'Basic dXNlcjpwYXNz');
    expectProblem(basic, 401);
  });

  it('401 for alg "none"', async () => {
    const [, payload] = user.token.split('.') as [string, string];
    await expectUnauthorized(`${segment({ alg: 'none', typ: 'JWT' })}.${payload}.`);
    await expectUnauthorized(`${segment({ alg: 'none', kid: jwk.kid })}.${payload}.`);
  });

  it('401 for HS256 "signed" with the public key as the HMAC secret', async () => {
    const claims = decode(user.token.split('.')[1] as string);
    const forge = (secret: Uint8Array) =>
      new SignJWT({ ...claims, role: 'admin' }).setProtectedHeader({ alg: 'HS256', kid: jwk.kid, typ: 'JWT' }).sign(secret);
    await expectUnauthorized(await forge(base64url.decode(jwk.x as string)));
    await expectUnauthorized(await forge(new TextEncoder().encode(JSON.stringify(jwk))));
  });

  it('401 for a token whose role was changed to admin, signature kept', async () => {
    const [header, payload, signature] = user.token.split('.') as [string, string, string];
    const tampered = `${header}.${segment({ ...decode(payload), role: 'admin' })}.${signature}`;
    await expectUnauthorized(tampered);
    // And it did not become an admin anywhere.
    const res = await api().get('/api/v1/users').set('Authorization', `Bearer ${tampered}`);
    expectProblem(res, 401);
  });

  it('401 for a token signed by another key, with an unknown kid or with the real kid', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const claims = decode(user.token.split('.')[1] as string);
    const sign = (kid: string) => new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' }).sign(privateKey);
    await expectUnauthorized(await sign(randomUUID()));
    await expectUnauthorized(await sign(jwk.kid as string));
    // A flood of unknown kids is answered without hammering user-service: still fast 401s.
    const started = Date.now();
    for (let i = 0; i < 20; i++) await expectUnauthorized(await sign(randomUUID()));
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  describe('signed by the real key, with claims the gateway refuses', () => {
    /**
     * A second user-service on the same database signs with the same key (kept in its
     * database), but issues tokens with the settings given here: the only way to get a
     * genuinely signed token that is expired or meant for someone else.
     */
    async function tokenFrom(overrides: Record<string, string>, who: TestUser): Promise<string> {
      const port = await freePort();
      const env = {
        ...stack.state.apps['user-service'].env,
        GRPC_PORT: String(port),
        METRICS_PORT: String(await freePort()),
        ...overrides,
      };
      const issuer = AppProcess.start('user-service', env);
      try {
        await waitForServing(`127.0.0.1:${port}`, 60_000, issuer);
        const client = new ResilientGrpcClient<userV1.UserServiceClient>(
          'user',
          `127.0.0.1:${port}`,
          {
            credentials: stack.credentials(),
          },
        );
        try {
          const { accessToken } = await client.call('login', { email: who.email, password: who.password });
          return accessToken;
        } finally {
          client.close();
        }
      } finally {
        await issuer.stop();
      }
    }

    it('401 once the token has expired', async () => {
      const token = await tokenFrom({ ACCESS_TOKEN_TTL_SECONDS: '1' }, user);
      await api().get('/api/v1/users/me').set('Authorization', `Bearer ${token}`).expect(200);
      // exp is 1 s after issue; the gateway tolerates 5 s of clock difference.
      await new Promise((resolve) => setTimeout(resolve, 7_000));
      await expectUnauthorized(token);
    }, 90_000);

    it('401 for the wrong audience or the wrong issuer', async () => {
      await expectUnauthorized(await tokenFrom({ JWT_AUDIENCE: 'another-api' }, user));
      await expectUnauthorized(await tokenFrom({ JWT_ISSUER: 'another-issuer' }, user));
    }, 120_000);
  });
});
