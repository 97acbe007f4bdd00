import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, importPKCS8 } from 'jose';

/** The public half of a signing key as GetJwks serves it (RFC 7517, RFC 8037). */
export interface PublicJwk {
  kid: string;
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  alg: 'EdDSA';
  use: 'sig';
}

/** An Ed25519 key pair ready to sign, named by its `kid`. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: PublicJwk;
}

/** A new Ed25519 private key as a PKCS8 PEM. */
export function generateSigningKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/**
 * Loads a PKCS8 PEM. The `kid` is the key's RFC 7638 thumbprint, so the same key always
 * gets the same id, on every instance and after every restart.
 */
export async function signingKeyFromPem(pem: string): Promise<SigningKey> {
  // importPKCS8 refuses anything but an Ed25519 key for EdDSA; in Node it returns a KeyObject.
  const privateKey = (await importPKCS8(pem, 'EdDSA')) as KeyObject;
  const { kty, crv, x } = await exportJWK(createPublicKey(privateKey));
  if (kty !== 'OKP' || crv !== 'Ed25519' || !x) throw new Error('expected an Ed25519 key');
  const kid = await calculateJwkThumbprint({ kty, crv, x }, 'sha256');
  return { kid, privateKey, publicJwk: { kid, kty, crv, x, alg: 'EdDSA', use: 'sig' } };
}

/** Reads a stored public JWK back, refusing anything that is not one of ours. */
export function parsePublicJwk(value: unknown): PublicJwk {
  const jwk = value as Partial<PublicJwk> | null;
  if (
    typeof jwk?.kid !== 'string' ||
    jwk.kty !== 'OKP' ||
    jwk.crv !== 'Ed25519' ||
    typeof jwk.x !== 'string' ||
    jwk.alg !== 'EdDSA' ||
    jwk.use !== 'sig'
  ) {
    throw new Error(`not an Ed25519 signing JWK: ${JSON.stringify(value)}`);
  }
  return jwk as PublicJwk;
}
