import { errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';

export type Role = 'customer' | 'admin';

/** Who is calling, as the verified access token says. */
export interface AuthenticatedUser {
  id: string;
  role: Role;
}

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  /** Tolerated clock difference between the user service and this gateway, in seconds. */
  clockToleranceSec?: number;
}

/** A token that is not acceptable; `reason` goes to the logs, never to the client. */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

const claimsSchema = z.object({
  sub: z.uuid(),
  role: z.enum(['customer', 'admin']),
});

/**
 * Verifies an access token issued by the user service. Only EdDSA is accepted: the
 * algorithm is pinned, never taken from the token, so `alg: none` and algorithm switching
 * (HS256 "signed" with the public key) fail like a bad signature. `iss`, `aud` and `exp`
 * are required and checked; `sub` must be a user id and `role` a known role.
 */
export class TokenVerifier {
  constructor(
    private readonly getKey: JWTVerifyGetKey,
    private readonly options: TokenVerifierOptions,
  ) {}

  async verify(token: string): Promise<AuthenticatedUser> {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.getKey, {
        algorithms: ['EdDSA'],
        issuer: this.options.issuer,
        audience: this.options.audience,
        requiredClaims: ['exp', 'sub', 'role'],
        clockTolerance: this.options.clockToleranceSec ?? 5,
      }));
    } catch (error) {
      // jose's errors are verdicts on the token; anything else (the key fetch failed) is an outage.
      if (error instanceof errors.JOSEError) throw new InvalidTokenError(error.code);
      throw error;
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw new InvalidTokenError('unexpected sub or role claim');
    return { id: claims.data.sub, role: claims.data.role };
  }
}
