import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { JSONWebKeySet, JWK } from 'jose';
import type { userV1 } from '@ecommerce/contracts';
import { Backends } from '../backends/backends';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { JwksCache } from './jwks-cache';
import { type AuthenticatedUser, InvalidTokenError, TokenVerifier } from './token-verifier';

/** What the Authorization header of a request amounts to. */
export type Identity =
  | { kind: 'anonymous' }
  | { kind: 'user'; user: AuthenticatedUser }
  | { kind: 'invalid'; reason: string };

const IDENTITY = Symbol('identity');
type WithIdentity = FastifyRequest & { [IDENTITY]?: Promise<Identity> };

/**
 * Resolves the caller of a request from its bearer token, once per request: the rate
 * limiter needs it first (to key by user), the auth guard next (to allow or refuse).
 */
@Injectable()
export class Authenticator {
  private readonly logger = new Logger(Authenticator.name);
  readonly keys: JwksCache;
  private readonly verifier: TokenVerifier;

  constructor(backends: Backends, @Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.keys = new JwksCache(
      async () => toJwks(await backends.users.call('getJwks', {}, { idempotent: true })),
      { minRefreshIntervalMs: 5_000, maxAgeMs: 10 * 60_000 },
    );
    this.verifier = new TokenVerifier(this.keys.getKey, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
  }

  identify(req: FastifyRequest): Promise<Identity> {
    const memo = req as WithIdentity;
    memo[IDENTITY] ??= this.resolve(req.headers.authorization);
    return memo[IDENTITY];
  }

  private async resolve(header: string | undefined): Promise<Identity> {
    if (header === undefined) return { kind: 'anonymous' };
    const match = /^Bearer ([A-Za-z0-9\-_.]+)$/i.exec(header.trim());
    if (!match) return { kind: 'invalid', reason: 'not a Bearer token' };
    try {
      return { kind: 'user', user: await this.verifier.verify(match[1] as string) };
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      this.logger.debug(`rejected a token: ${error.message}`);
      return { kind: 'invalid', reason: error.message };
    }
  }
}

/** The proto's JWKs carry every field, empty where it does not apply: JWK has none of those. */
export function toJwks(response: userV1.GetJwksResponse): JSONWebKeySet {
  return {
    keys: response.keys.map(
      (key) => Object.fromEntries(Object.entries(key).filter(([, value]) => value !== '' && value !== undefined)) as JWK,
    ),
  };
}
