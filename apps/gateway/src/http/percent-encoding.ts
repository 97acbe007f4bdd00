import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemException } from '../problem-details/problem-details';

const MALFORMED_PATH = Symbol('malformed path');
/** The URL as sent, on a request whose path was escaped for routing. */
type Marked = IncomingMessage & { originalUrl?: string; [MALFORMED_PATH]?: string };

/**
 * Fastify's `rewriteUrl`, before routing. Fastify's router decodes the whole path first and
 * answers one that is not valid percent-encoding (`/api/v1/products/%FF`) with a 400 of its
 * own, before any hook runs: not problem+json, no request id, no security headers. Such a
 * path is routed with its every `%` escaped instead, so a route's parameters arrive exactly as
 * sent, and {@link rejectMalformedParams} refuses them as the API always has. A path that
 * decodes, the usual case, is left as it is after one `includes`.
 */
export function escapeMalformedPath(this: unknown, req: IncomingMessage): string {
  const url = req.url ?? '/';
  if (!url.includes('%')) return url;
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  try {
    decodeURIComponent(path);
    return url;
  } catch {
    (req as Marked)[MALFORMED_PATH] = url;
    return path.replaceAll('%', '%25') + (queryAt === -1 ? '' : url.slice(queryAt));
  }
}

/**
 * Once routed, the request carries its URL as sent again, for everything that reads it after
 * the router (the access log, a 404's detail).
 */
export function restoreMalformedPath(req: IncomingMessage): void {
  const sent = (req as Marked)[MALFORMED_PATH];
  if (sent === undefined) return;
  req.url = sent;
  (req as Marked).originalUrl = sent;
}

/**
 * `preValidation` hook: a route parameter that is not valid percent-encoding is a 400 problem
 * naming it (`Failed to decode param '%FF'`); a path that matched no route stays a 404.
 */
export function rejectMalformedParams(request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void {
  if ((request.raw as Marked)[MALFORMED_PATH] === undefined || request.is404) {
    done();
    return;
  }
  for (const value of Object.values((request.params ?? {}) as Record<string, string>)) {
    try {
      decodeURIComponent(value);
    } catch {
      done(ProblemException.of(400, `Failed to decode param '${value}'`));
      return;
    }
  }
  done();
}
