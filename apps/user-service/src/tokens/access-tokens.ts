import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKey } from './signing-key';

export type TokenRole = 'customer' | 'admin';

export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/**
 * A JWT for one user: EdDSA over Ed25519, `kid` in the header so a verifier picks the right
 * key from the JWKS, claims `sub`, `role`, `iss`, `aud`, `iat`, `exp` and a unique `jti`.
 */
export function signAccessToken(
  key: SigningKey,
  subject: { id: string; role: TokenRole },
  settings: AccessTokenSettings,
  now: Date = new Date(),
): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ role: subject.role })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' })
    .setSubject(subject.id)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + settings.ttlSeconds)
    .setJti(randomUUID())
    .sign(key.privateKey);
}
