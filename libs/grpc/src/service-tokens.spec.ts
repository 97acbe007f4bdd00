import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import {
  generateServiceKeyPair,
  servicePublicKeyOf,
  ServiceTokenError,
  ServiceTokens,
  ServiceTokenVerifier,
} from './service-tokens';

const gateway = generateServiceKeyPair();
const orders = generateServiceKeyPair();
const stranger = generateServiceKeyPair();
const T0 = Date.parse('2030-01-01T00:00:00Z');

/** A clock the test moves by hand. */
function clock(start = T0) {
  const state = { now: start };
  return { now: () => state.now, advance: (ms: number) => (state.now += ms) };
}

/** A token signed by hand, for the claims ServiceTokens never makes. */
async function handMade(
  claims: { iss?: string; aud?: string; iat?: number; exp?: number },
  privateKey = gateway.privateKey,
): Promise<string> {
  const jwt = new SignJWT({}).setProtectedHeader({ alg: 'EdDSA' });
  if (claims.iss !== undefined) jwt.setIssuer(claims.iss);
  if (claims.aud !== undefined) jwt.setAudience(claims.aud);
  if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  return `Bearer ${await jwt.sign(createPrivateKey(privateKey))}`;
}

async function reason(verification: Promise<unknown>): Promise<string> {
  const error = await verification.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ServiceTokenError))
    throw new Error(`expected a ServiceTokenError, got ${String(error)}`);
  return error.message;
}

describe('generateServiceKeyPair', () => {
  it('gives the PKCS8 PEM of an Ed25519 key and its raw public key in base64url', () => {
    expect(gateway.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(createPrivateKey(gateway.privateKey).asymmetricKeyType).toBe('ed25519');
    expect(gateway.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(servicePublicKeyOf(gateway.privateKey)).toBe(gateway.publicKey);
    expect(orders.publicKey).not.toBe(gateway.publicKey);
  });
});

describe('ServiceTokens', () => {
  it('mints an EdDSA token naming the caller and the service called, valid for a few minutes', async () => {
    const time = clock();
    const tokens = new ServiceTokens('gateway', gateway.privateKey, { now: time.now });
    const authorization = await tokens.authorization('order-service');
    expect(authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    const token = authorization.slice('Bearer '.length);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', typ: 'JWT' });
    expect(decodeJwt(token)).toEqual({
      iss: 'gateway',
      aud: 'order-service',
      iat: T0 / 1000,
      exp: T0 / 1000 + 300,
    });
  });

  it('reuses the token of an audience until half its lifetime has passed, then mints a new one', async () => {
    const time = clock();
    const tokens = new ServiceTokens('gateway', gateway.privateKey, {
      now: time.now,
      ttlSeconds: 300,
    });
    const first = await tokens.authorization('order-service');
    const other = await tokens.authorization('user-service');
    expect(other).not.toBe(first);
    expect(decodeJwt(other.slice(7)).aud).toBe('user-service');

    time.advance(149_000);
    expect(await tokens.authorization('order-service')).toBe(first);
    time.advance(1_000);
    const renewed = await tokens.authorization('order-service');
    expect(renewed).not.toBe(first);
    expect(decodeJwt(renewed.slice(7)).iat).toBe(T0 / 1000 + 150);
  });

  it('signs once for calls made at the same time', async () => {
    const tokens = new ServiceTokens('gateway', gateway.privateKey);
    const all = await Promise.all(
      Array.from({ length: 20 }, () => tokens.authorization('order-service')),
    );
    expect(new Set(all).size).toBe(1);
  });

  it('refuses a key that is not Ed25519', () => {
    const x25519 = generateKeyPairSync('x25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(() => new ServiceTokens('gateway', x25519)).toThrow(
      'a service token key must be Ed25519',
    );
  });
});

describe('ServiceTokenVerifier', () => {
  const keys = { gateway: gateway.publicKey, 'order-service': orders.publicKey };
  const verifierAt = (time = clock()) =>
    new ServiceTokenVerifier('inventory-service', keys, { now: time.now });

  it('names the caller of a valid token, from each caller it knows', async () => {
    const time = clock(Date.now());
    const verifier = verifierAt(time);
    const fromGateway = new ServiceTokens('gateway', gateway.privateKey, { now: time.now });
    const fromOrders = new ServiceTokens('order-service', orders.privateKey, { now: time.now });
    await expect(
      verifier.verify(await fromGateway.authorization('inventory-service')),
    ).resolves.toBe('gateway');
    await expect(
      verifier.verify(await fromOrders.authorization('inventory-service')),
    ).resolves.toBe('order-service');
  });

  it('refuses a call without a token, or with something else than a Bearer JWT', async () => {
    const verifier = verifierAt();
    expect(await reason(verifier.verify(undefined))).toBe(
      'a service token is required: send "authorization: Bearer <token>"',
    );
    expect(await reason(verifier.verify('Basic dXNlcjpwYXNz'))).toMatch(/malformed/);
    expect(await reason(verifier.verify('Bearer not-a-jwt'))).toMatch(/malformed/);
    expect(await reason(verifier.verify('Bearer a.b.c'))).toMatch(/malformed/);
  });

  it('refuses a token from a caller it does not list, even one signed by a key it knows', async () => {
    const now = Math.floor(Date.now() / 1000);
    const verifier = verifierAt(clock(Date.now()));
    const unknown = new ServiceTokens('payment-service', stranger.privateKey);
    expect(await reason(verifier.verify(await unknown.authorization('inventory-service')))).toBe(
      'the service token comes from "payment-service", which may not call inventory-service',
    );
    const withKnownKey = new ServiceTokens('payment-service', gateway.privateKey);
    expect(
      await reason(verifier.verify(await withKnownKey.authorization('inventory-service'))),
    ).toMatch(/"payment-service", which may not call/);
    expect(
      await reason(
        verifier.verify(await handMade({ aud: 'inventory-service', iat: now, exp: now + 60 })),
      ),
    ).toBe('the service token names no caller (iss)');
  });

  it('refuses a token signed with another key than its caller’s', async () => {
    const now = Math.floor(Date.now() / 1000);
    const verifier = verifierAt(clock(Date.now()));
    // order-service's key, claiming to be the gateway.
    const forged = await handMade(
      { iss: 'gateway', aud: 'inventory-service', iat: now, exp: now + 60 },
      orders.privateKey,
    );
    expect(await reason(verifier.verify(forged))).toBe(
      'the service token signature does not verify with the key of its caller',
    );
    const impostor = new ServiceTokens('gateway', stranger.privateKey);
    expect(
      await reason(verifier.verify(await impostor.authorization('inventory-service'))),
    ).toMatch(/signature does not verify/);
  });

  it('refuses a token meant for another service', async () => {
    const verifier = verifierAt(clock(Date.now()));
    const tokens = new ServiceTokens('gateway', gateway.privateKey);
    expect(await reason(verifier.verify(await tokens.authorization('user-service')))).toBe(
      'the service token is not for inventory-service (aud)',
    );
  });

  it('refuses an expired token, and one without iat or exp', async () => {
    const now = Math.floor(Date.now() / 1000);
    const verifier = verifierAt(clock(Date.now()));
    expect(
      await reason(
        verifier.verify(
          await handMade({
            iss: 'gateway',
            aud: 'inventory-service',
            iat: now - 600,
            exp: now - 300,
          }),
        ),
      ),
    ).toBe('the service token has expired');
    expect(
      await reason(
        verifier.verify(await handMade({ iss: 'gateway', aud: 'inventory-service', iat: now })),
      ),
    ).toMatch(/"exp" claim/);
    expect(
      await reason(
        verifier.verify(
          await handMade({ iss: 'gateway', aud: 'inventory-service', exp: now + 60 }),
        ),
      ),
    ).toMatch(/"iat" claim/);
  });

  it('refuses alg "none" and a token signed with another algorithm', async () => {
    const verifier = verifierAt(clock(Date.now()));
    const now = Math.floor(Date.now() / 1000);
    const payload = Buffer.from(
      JSON.stringify({ iss: 'gateway', aud: 'inventory-service', iat: now, exp: now + 60 }),
    ).toString('base64url');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload}.`;
    expect(await reason(verifier.verify(`Bearer ${none}`))).toMatch(/malformed/);
    const hs256 = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('gateway')
      .setAudience('inventory-service')
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode('a shared secret of enough length'));
    expect(await reason(verifier.verify(`Bearer ${hs256}`))).toBe(
      'the service token must be signed with EdDSA',
    );
  });

  describe('the cache of verified tokens', () => {
    it('answers a token verified before from the cache, without verifying it again, until its exp', async () => {
      const time = clock(Date.now());
      const verifier = verifierAt(time);
      const authorization = await new ServiceTokens('gateway', gateway.privateKey, {
        now: time.now,
      }).authorization('inventory-service');
      expect(verifier.cachedCaller(authorization)).toBeUndefined();
      await verifier.verify(authorization);
      expect(verifier.cachedCaller(authorization)).toBe('gateway');

      time.advance(299_000);
      expect(verifier.cachedCaller(authorization)).toBe('gateway');
      time.advance(1_000);
      expect(verifier.cachedCaller(authorization)).toBeUndefined();
      expect(await reason(verifier.verify(authorization))).toBe('the service token has expired');
    });

    it('never remembers a token that failed', async () => {
      const verifier = verifierAt(clock(Date.now()));
      const wrong = await new ServiceTokens('gateway', gateway.privateKey).authorization(
        'user-service',
      );
      await reason(verifier.verify(wrong));
      expect(verifier.cachedCaller(wrong)).toBeUndefined();
      await reason(verifier.verify(wrong));
    });

    it('holds at most maxCached tokens, forgetting the oldest first', async () => {
      const time = clock(Date.now());
      const verifier = new ServiceTokenVerifier('inventory-service', keys, {
        now: time.now,
        maxCached: 2,
      });
      const minted: string[] = [];
      for (let i = 0; i < 3; i++) {
        minted.push(
          await new ServiceTokens('gateway', gateway.privateKey, { now: time.now }).authorization(
            'inventory-service',
          ),
        );
        await verifier.verify(minted[i]);
        time.advance(1_000);
      }
      expect(minted.map((token) => verifier.cachedCaller(token))).toEqual([
        undefined,
        'gateway',
        'gateway',
      ]);
    });
  });
});
