import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWK, type KeyLike, SignJWT, base64url } from 'jose';
import { JwksCache } from './jwks-cache';
import { InvalidTokenError, TokenVerifier } from './token-verifier';

const ISSUER = 'ecommerce-platform';
const AUDIENCE = 'ecommerce-api';

interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  publicJwk: JWK;
}

async function signingKey(kid: string = randomUUID()): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' } };
}

function sign(key: SigningKey, claims: Record<string, unknown> = {}, options: { iss?: string; aud?: string; exp?: string | number } = {}) {
  return new SignJWT({ role: 'customer', ...claims })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' })
    .setSubject(randomUUID())
    .setIssuer(options.iss ?? ISSUER)
    .setAudience(options.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.exp ?? '15m')
    .setJti(randomUUID())
    .sign(key.privateKey);
}

const segment = (value: object) => base64url.encode(JSON.stringify(value));

describe('TokenVerifier', () => {
  let key: SigningKey;
  let jwks: JSONWebKeySet;
  let fetches: number;
  let verifier: TokenVerifier;

  beforeEach(async () => {
    key = await signingKey();
    jwks = { keys: [key.publicJwk] };
    fetches = 0;
    const cache = new JwksCache(
      async () => {
        fetches += 1;
        return jwks;
      },
      { minRefreshIntervalMs: 5_000, maxAgeMs: 600_000 },
    );
    verifier = new TokenVerifier(cache.getKey, { issuer: ISSUER, audience: AUDIENCE });
  });

  const rejects = async (token: string) => expect(verifier.verify(token)).rejects.toBeInstanceOf(InvalidTokenError);

  it('accepts a token of the user service and returns its subject and role', async () => {
    const sub = randomUUID();
    const token = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
      .setSubject(sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key.privateKey);
    await expect(verifier.verify(token)).resolves.toEqual({ id: sub, role: 'admin' });
  });

  it('rejects alg "none"', async () => {
    const valid = await sign(key);
    const [, payload] = valid.split('.');
    await rejects(`${segment({ alg: 'none', typ: 'JWT' })}.${payload}.`);
    await rejects(`${segment({ alg: 'none', kid: key.kid })}.${payload}.`);
  });

  it('rejects HS256 "signed" with the public key as the HMAC secret (algorithm switching)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(key.publicJwk));
    const forged = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256', kid: key.kid })
      .setSubject(randomUUID())
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(secret);
    await rejects(forged);
    const rawX = base64url.decode(key.publicJwk.x as string);
    const forgedRaw = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256', kid: key.kid })
      .setSubject(randomUUID())
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(rawX);
    await rejects(forgedRaw);
  });

  it('rejects a token whose claims were changed after signing (role → admin)', async () => {
    const [header, payload, signature] = (await sign(key)).split('.') as [string, string, string];
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as Record<string, unknown>;
    await rejects(`${header}.${segment({ ...claims, role: 'admin' })}.${signature}`);
  });

  it('rejects a token signed by another key under a known kid', async () => {
    const impostor = await signingKey(key.kid);
    await rejects(await sign(impostor));
  });

  it('rejects expired tokens, and tokens without exp', async () => {
    await rejects(await sign(key, {}, { exp: Math.floor(Date.now() / 1000) - 60 }));
    const noExp = await new SignJWT({ role: 'customer' })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
      .setSubject(randomUUID())
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .sign(key.privateKey);
    await rejects(noExp);
  });

  it('rejects the wrong audience or issuer', async () => {
    await rejects(await sign(key, {}, { aud: 'another-api' }));
    await rejects(await sign(key, {}, { iss: 'someone-else' }));
  });

  it('rejects a token without a role, with an unknown role, or with a sub that is not a user id', async () => {
    await rejects(await sign(key, { role: undefined }));
    await rejects(await sign(key, { role: 'superuser' }));
    const notAnId = await new SignJWT({ role: 'customer' })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
      .setSubject('../admin')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(key.privateKey);
    await rejects(notAnId);
  });

  it('rejects garbage', async () => {
    await rejects('not-a-jwt');
    await rejects('a.b.c');
  });

  it('refetches the keys for unknown kids at most once per interval, sharing one fetch', async () => {
    let now = 0;
    const cache = new JwksCache(
      async () => {
        fetches += 1;
        return jwks;
      },
      { minRefreshIntervalMs: 5_000, maxAgeMs: 600_000, now: () => now },
    );
    const clocked = new TokenVerifier(cache.getKey, { issuer: ISSUER, audience: AUDIENCE });
    const rejected = async (token: string) => expect(clocked.verify(token)).rejects.toBeInstanceOf(InvalidTokenError);

    await clocked.verify(await sign(key));
    expect(fetches).toBe(1);
    // A flood of made-up kids right after a fetch: no refetch at all.
    await Promise.all([1, 2, 3].map(async () => rejected(await sign(await signingKey()))));
    expect(fetches).toBe(1);

    now = 5_000;
    await Promise.all([1, 2, 3, 4, 5].map(async () => rejected(await sign(await signingKey()))));
    // Five unknown kids at once, once the interval has passed: one refetch, shared.
    expect(fetches).toBe(2);
    await rejected(await sign(await signingKey()));
    expect(fetches).toBe(2);
  });
});

describe('JwksCache', () => {
  it('picks up a rotated key: an unknown kid refetches once the interval has passed', async () => {
    const first = await signingKey();
    const second = await signingKey();
    let now = 0;
    let served: JSONWebKeySet = { keys: [first.publicJwk] };
    let fetches = 0;
    const cache = new JwksCache(
      async () => {
        fetches += 1;
        return served;
      },
      { minRefreshIntervalMs: 5_000, maxAgeMs: 600_000, now: () => now },
    );
    const verifier = new TokenVerifier(cache.getKey, { issuer: ISSUER, audience: AUDIENCE });

    await verifier.verify(await sign(first));
    served = { keys: [second.publicJwk, first.publicJwk] };
    now = 1_000;
    await expect(verifier.verify(await sign(second))).rejects.toBeInstanceOf(InvalidTokenError);
    now = 6_000;
    await expect(verifier.verify(await sign(second))).resolves.toMatchObject({ role: 'customer' });
    expect(fetches).toBe(2);
  });

  it('keeps the known keys when a refresh of stale keys fails, and fails when it has none', async () => {
    const key = await signingKey();
    let now = 0;
    let up = true;
    const cache = new JwksCache(
      async () => {
        if (!up) throw new Error('user-service unavailable');
        return { keys: [key.publicJwk] };
      },
      { minRefreshIntervalMs: 5_000, maxAgeMs: 60_000, now: () => now },
    );
    await expect(cache.jwks()).resolves.toEqual({ keys: [key.publicJwk] });
    up = false;
    now = 120_000;
    await expect(cache.jwks()).resolves.toEqual({ keys: [key.publicJwk] });

    const empty = new JwksCache(() => Promise.reject(new Error('user-service unavailable')), {
      minRefreshIntervalMs: 5_000,
      maxAgeMs: 60_000,
    });
    await expect(empty.jwks()).rejects.toThrow('user-service unavailable');
  });

  it('lets an outage of the key source through as an outage, not an invalid token', async () => {
    const key = await signingKey();
    const cache = new JwksCache(() => Promise.reject(new Error('UNAVAILABLE')), { minRefreshIntervalMs: 5_000, maxAgeMs: 60_000 });
    const verifier = new TokenVerifier(cache.getKey, { issuer: ISSUER, audience: AUDIENCE });
    const error = await verifier.verify(await sign(key)).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(InvalidTokenError);
    expect(error).toEqual(new Error('UNAVAILABLE'));
  });
});
