import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { decodeJwt, errors, jwtVerify, SignJWT } from 'jose';

/**
 * Service tokens: how a backend knows which service is calling it. Each calling service holds
 * an Ed25519 key (`SERVICE_PRIVATE_KEY`) and sends, on every gRPC call, `authorization: Bearer
 * <JWT>` signed with it: EdDSA, `iss` its own name, `aud` the service it calls, a few minutes
 * of validity. Every backend lists the callers it accepts and their public keys
 * (`SERVICE_PUBLIC_KEYS`) and refuses any call without a valid token (see
 * {@link serviceAuthInterceptor}).
 */

/** The gRPC metadata key the token travels in, as HTTP's Authorization header. */
export const SERVICE_TOKEN_METADATA = 'authorization';

/** How long a minted token is valid. */
export const SERVICE_TOKEN_TTL_SECONDS = 300;

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;

export interface ServiceTokensOptions {
  /** Lifetime of a token; it is replaced once half of it has passed. */
  ttlSeconds?: number;
  /** The clock, in ms (tests move it). */
  now?: () => number;
}

/**
 * The calling side: mints the token a call to `audience` carries. One token per audience is
 * kept and reused until half its lifetime has passed, so a call costs a map lookup and a
 * service signs a few tokens an hour; a token always reaches the backend with minutes to
 * spare, which also absorbs clock skew between hosts.
 */
export class ServiceTokens {
  private readonly key: KeyObject;
  private readonly ttlSeconds: number;
  private readonly now: () => number;
  private readonly minted = new Map<string, { authorization: Promise<string>; renewAt: number }>();

  /**
   * @param issuer the calling service's name, its `iss` (`gateway`, `order-service`)
   * @param privateKeyPem the PKCS8 PEM of its Ed25519 key (`SERVICE_PRIVATE_KEY`)
   */
  constructor(
    readonly issuer: string,
    privateKeyPem: string,
    options: ServiceTokensOptions = {},
  ) {
    this.key = createPrivateKey(privateKeyPem);
    if (this.key.asymmetricKeyType !== 'ed25519')
      throw new Error('a service token key must be Ed25519');
    this.ttlSeconds = options.ttlSeconds ?? SERVICE_TOKEN_TTL_SECONDS;
    this.now = options.now ?? Date.now;
  }

  /** `Bearer <token>` for a call to `audience` (the called service's name). */
  authorization(audience: string): Promise<string> {
    const now = this.now();
    const current = this.minted.get(audience);
    if (current && now < current.renewAt) return current.authorization;
    const authorization = this.sign(audience, Math.floor(now / 1000)).then(
      (token) => `Bearer ${token}`,
    );
    this.minted.set(audience, { authorization, renewAt: now + (this.ttlSeconds * 1000) / 2 });
    // A failed signature is not kept: the next call tries again.
    authorization.catch(() => this.minted.delete(audience));
    return authorization;
  }

  private sign(audience: string, iat: number): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.ttlSeconds)
      .sign(this.key);
  }
}

/** A call refused: `message` says why, for the caller (it carries no secret). */
export class ServiceTokenError extends Error {
  override readonly name = 'ServiceTokenError';
}

export interface ServiceTokenVerifierOptions {
  /** Verified tokens remembered at most (the oldest go first). */
  maxCached?: number;
  /** The clock, in ms (tests move it). */
  now?: () => number;
}

/**
 * The called side: checks the `authorization` of a call and names the calling service.
 *
 * Every call of every backend is checked, so the check must cost next to nothing: a token
 * verified once is remembered, as its exact string, until its `exp`, and a call bearing it
 * again costs one map lookup instead of a signature verification (tens of microseconds of
 * CPU). A caller reuses its token for minutes, so the steady state is all hits. The map is
 * bounded (a few callers each hold one token per audience at a time; the bound only matters
 * if something mints far more), and only tokens that verified are ever put in it.
 */
export class ServiceTokenVerifier {
  private readonly keys: ReadonlyMap<string, KeyObject>;
  private readonly verified = new Map<string, { caller: string; expiresAt: number }>();
  private readonly maxCached: number;
  private readonly now: () => number;

  /**
   * @param audience this service's name: a token must carry it as `aud`
   * @param publicKeys the callers it accepts: name → base64url Ed25519 public key (JWK `x`)
   */
  constructor(
    readonly audience: string,
    publicKeys: Readonly<Record<string, string>>,
    options: ServiceTokenVerifierOptions = {},
  ) {
    this.keys = new Map(
      Object.entries(publicKeys).map(([name, x]) => [
        name,
        createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' }),
      ]),
    );
    this.maxCached = options.maxCached ?? 1_000;
    this.now = options.now ?? Date.now;
  }

  /** The caller of an `authorization` already verified and not expired, without any work beyond a lookup. */
  cachedCaller(authorization: string | undefined): string | undefined {
    if (authorization === undefined) return undefined;
    const entry = this.verified.get(authorization);
    if (!entry) return undefined;
    if (this.now() < entry.expiresAt) return entry.caller;
    this.verified.delete(authorization);
    return undefined;
  }

  /** The calling service's name; rejects with a {@link ServiceTokenError} saying why not. */
  async verify(authorization: string | undefined): Promise<string> {
    const cached = this.cachedCaller(authorization);
    if (cached) return cached;
    if (authorization === undefined)
      throw new ServiceTokenError(
        `a service token is required: send "${SERVICE_TOKEN_METADATA}: Bearer <token>"`,
      );
    const token = BEARER.exec(authorization.trim())?.[1];
    if (!token)
      throw new ServiceTokenError('the service token is malformed: expected "Bearer <JWT>"');
    const caller = issuerOf(token);
    const key = this.keys.get(caller);
    if (!key)
      throw new ServiceTokenError(
        `the service token comes from "${caller}", which may not call ${this.audience}`,
      );
    let exp: number;
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: ['EdDSA'],
        issuer: caller,
        audience: this.audience,
        requiredClaims: ['iat', 'exp'],
        currentDate: new Date(this.now()),
      });
      exp = payload.exp as number;
    } catch (error) {
      throw new ServiceTokenError(rejection(error, this.audience));
    }
    this.remember(authorization, caller, exp * 1000);
    return caller;
  }

  private remember(authorization: string, caller: string, expiresAt: number): void {
    if (this.verified.size >= this.maxCached) {
      const oldest = this.verified.keys().next().value as string;
      this.verified.delete(oldest);
    }
    this.verified.set(authorization, { caller, expiresAt });
  }
}

function issuerOf(token: string): string {
  let iss: unknown;
  try {
    iss = decodeJwt(token).iss;
  } catch {
    throw new ServiceTokenError('the service token is malformed: not a JWT');
  }
  if (typeof iss !== 'string' || iss === '')
    throw new ServiceTokenError('the service token names no caller (iss)');
  return iss;
}

function rejection(error: unknown, audience: string): string {
  if (error instanceof errors.JWTExpired) return 'the service token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return `the service token is not for ${audience} (aud)`;
    return `the service token is invalid: ${error.message}`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return 'the service token signature does not verify with the key of its caller';
  if (error instanceof errors.JOSEAlgNotAllowed)
    return 'the service token must be signed with EdDSA';
  return 'the service token is malformed';
}

/** A new Ed25519 key pair for a calling service, in the forms its env variables take. */
export function generateServiceKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    // SERVICE_PRIVATE_KEY of the caller.
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    // Its entry in the SERVICE_PUBLIC_KEYS of the services it calls.
    publicKey: servicePublicKeyOf(privateKey),
  };
}

/** The base64url raw public key (JWK `x`) of a private key, KeyObject or PKCS8 PEM. */
export function servicePublicKeyOf(privateKey: KeyObject | string): string {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  return createPublicKey(key).export({ format: 'jwk' }).x as string;
}
