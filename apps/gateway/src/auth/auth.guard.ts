import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { ProblemException } from '../problem-details/problem-details';
import { type AuthenticatedRequest, PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { Authenticator } from './authenticator';
import type { Role } from './token-verifier';

/**
 * Every route needs a valid access token unless it is @Public(); @Roles() narrows it
 * further. 401 carries `WWW-Authenticate: Bearer` (RFC 6750) and never says why a token
 * was refused, so a forger learns nothing.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const http = context.switchToHttp();
    const req = http.getRequest<AuthenticatedRequest>();
    const identity = await this.authenticator.identify(req);
    if (identity.kind !== 'user') {
      const invalid = identity.kind === 'invalid';
      http.getResponse<FastifyReply>().header('WWW-Authenticate', invalid ? 'Bearer error="invalid_token"' : 'Bearer');
      throw ProblemException.of(401, invalid ? 'The access token is not valid.' : 'An access token is required.');
    }
    req.user = identity.user;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(identity.user.role)) {
      throw ProblemException.of(403, 'This operation needs another role.');
    }
    return true;
  }
}
