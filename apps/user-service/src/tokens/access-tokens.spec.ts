import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { signAccessToken } from './access-tokens';
import { generateSigningKeyPem, parsePublicJwk, signingKeyFromPem } from './signing-key';

const settings = { issuer: 'test-issuer', audience: 'test-audience', ttlSeconds: 900 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('signing keys', () => {
  it('names a key by its RFC 7638 thumbprint, the same every time the PEM is loaded', async () => {
    const pem = generateSigningKeyPem();
    const [a, b] = await Promise.all([signingKeyFromPem(pem), signingKeyFromPem(pem)]);
    expect(a.kid).toBe(b.kid);
    expect(a.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await signingKeyFromPem(generateSigningKeyPem())).kid).not.toBe(a.kid);
  });

  it('publishes only the public half: kty OKP, crv Ed25519, x, alg EdDSA, use sig', async () => {
    const key = await signingKeyFromPem(generateSigningKeyPem());
    expect(key.publicJwk).toEqual({
      kid: key.kid,
      kty: 'OKP',
      crv: 'Ed25519',
      x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      alg: 'EdDSA',
      use: 'sig',
    });
    expect(parsePublicJwk(JSON.parse(JSON.stringify(key.publicJwk)))).toEqual(key.publicJwk);
  });

  it('refuses a stored JWK that is not an Ed25519 signing key', () => {
    expect(() => parsePublicJwk({ kid: 'k', kty: 'RSA', n: 'x', e: 'AQAB' })).toThrow(/not an Ed25519/);
    expect(() => parsePublicJwk(null)).toThrow(/not an Ed25519/);
  });

  it('refuses a PEM that is not an Ed25519 key', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    await expect(signingKeyFromPem(rsa.toString())).rejects.toThrow();
  });
});

describe('signAccessToken', () => {
  it('signs an EdDSA JWT with kid, sub, role, iss, aud, iat, exp = iat + ttl and a UUID jti', async () => {
    const key = await signingKeyFromPem(generateSigningKeyPem());
    const now = new Date();
    const token = await signAccessToken(key, { id: 'user-1', role: 'admin' }, settings, now);

    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' });
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: [key.publicJwk] }), {
      issuer: 'test-issuer',
      audience: 'test-audience',
      algorithms: ['EdDSA'],
    });
    const iat = Math.floor(now.getTime() / 1000);
    expect(payload).toEqual({
      sub: 'user-1',
      role: 'admin',
      iss: 'test-issuer',
      aud: 'test-audience',
      iat,
      exp: iat + 900,
      jti: expect.stringMatching(UUID),
    });
  });

  it('gives every token its own jti', async () => {
    const key = await signingKeyFromPem(generateSigningKeyPem());
    const jtis = await Promise.all(
      [1, 2, 3].map(async () => {
        const token = await signAccessToken(key, { id: 'u', role: 'customer' }, settings);
        return (await jwtVerify(token, createLocalJWKSet({ keys: [key.publicJwk] }))).payload.jti;
      }),
    );
    expect(new Set(jtis).size).toBe(3);
  });

  it('does not verify against another key, or once expired', async () => {
    const key = await signingKeyFromPem(generateSigningKeyPem());
    const other = await signingKeyFromPem(generateSigningKeyPem());
    const token = await signAccessToken(key, { id: 'u', role: 'customer' }, settings);
    // Same kid, other key material: the signature must not check out.
    const impostor = createLocalJWKSet({ keys: [{ ...other.publicJwk, kid: key.kid }] });
    await expect(jwtVerify(token, impostor)).rejects.toThrow(/signature verification failed/);

    const old = await signAccessToken(key, { id: 'u', role: 'customer' }, settings, new Date(Date.now() - 901_000));
    await expect(jwtVerify(old, createLocalJWKSet({ keys: [key.publicJwk] }))).rejects.toThrow(/"exp" claim/);
  });
});
