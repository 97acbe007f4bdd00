import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Authenticator } from '../auth/authenticator';
import { ProblemException } from '../problem-details/problem-details';
import { CREDENTIALS_LIMIT_KEY, NO_RATE_LIMIT_KEY } from './rate-limit.decorators';
import { RateLimiter } from './rate-limiter';
import type { Decision } from './token-buckets';

/**
 * Runs before the auth guard, so every request counts, also those about to get a 401:
 * keyed by the verified user, else by the client IP. Answers carry the RateLimit-* headers
 * (limit, remaining, seconds until the bucket is full); a refusal is a 429 with Retry-After.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(NO_RATE_LIMIT_KEY, targets)) return true;
    const credentials = this.reflector.getAllAndOverride<boolean>(CREDENTIALS_LIMIT_KEY, targets) ?? false;

    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const identity = await this.authenticator.identify(req);
    const email: unknown = credentials ? (req.body as { email?: unknown } | undefined)?.email : undefined;
    const decision = await this.limiter.take(
      {
        userId: identity.kind === 'user' ? identity.user.id : undefined,
        ip: req.ip,
        email: typeof email === 'string' ? email : undefined,
      },
      credentials,
    );
    setRateLimitHeaders(reply, decision);
    if (decision.allowed) return true;
    const retryAfter = Math.max(1, Math.ceil(decision.tightest.retryAfterMs / 1000));
    reply.header('Retry-After', String(retryAfter));
    throw ProblemException.of(429, `Too many requests. Retry in ${retryAfter} s.`);
  }
}

function setRateLimitHeaders(reply: FastifyReply, { tightest }: Decision): void {
  reply.header('RateLimit-Limit', String(tightest.bucket.capacity));
  reply.header('RateLimit-Remaining', String(tightest.remaining));
  reply.header('RateLimit-Reset', String(Math.ceil(tightest.resetMs / 1000)));
}
