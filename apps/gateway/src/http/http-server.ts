import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { Registry } from 'prom-client';
import { httpMetricsHooks } from '@ecommerce/observability';
import { setHttpRoute } from '@ecommerce/telemetry';
import type { GatewayConfig } from '../config';
import { conditionalGet } from './conditional-get';
import { utf8Text } from './charset';
import { readBodiesAsJson } from './json-body';
import { escapeMalformedPath, rejectMalformedParams, restoreMalformedPath } from './percent-encoding';
import { securityHeaders } from './security-headers';

/** Node refuses a request line past its 16 KiB header limit: no parameter is longer. */
const MAX_PARAM_LENGTH = 16 * 1024;

/**
 * The Fastify server under Nest. Routing behaves as the API always has: paths match whatever
 * their letter case, with or without a trailing slash, however long a parameter; the query
 * string is read by node:querystring (repeated keys become arrays).
 */
export function serverOptions(config: Pick<GatewayConfig, 'TRUST_PROXY_HOPS'>): FastifyServerOptions {
  return {
    // The client IP (rate limits) comes from X-Forwarded-For only behind this many trusted proxies.
    trustProxy: config.TRUST_PROXY_HOPS,
    genReqId: requestId,
    rewriteUrl: escapeMalformedPath,
    caseSensitive: false,
    ignoreTrailingSlash: true,
    maxParamLength: MAX_PARAM_LENGTH,
    querystringParser: (query) => parseQuery(query),
    // Node's own defaults: Fastify's keep an idle connection 72 s and never time a request out.
    keepAliveTimeout: 5_000,
    requestTimeout: 300_000,
    // While shutting down, a request that arrives on a kept-alive connection is still served,
    // not refused with a 503 of Fastify's own (which is not problem+json).
    return503OnClosing: false,
  };
}

/**
 * Everything around Nest's routes, in the order a request meets it: its id and the security
 * headers, its route on the trace, the JSON body, then on the way out the charset, the ETag and
 * the metrics. (Nest's middleware, the access log, runs first: @fastify/middie hands it the
 * request id of {@link requestId}.)
 */
export function setUpHttpServer(fastify: FastifyInstance, metrics: Registry): void {
  // A request Node's parser refuses (malformed, too slow) gets Node's own bare 400 or 408, as
  // before: Fastify's handler would answer JSON that is not problem+json.
  fastify.server.removeAllListeners('clientError');
  fastify.addHook('onRequest', requestContext);
  readBodiesAsJson(fastify);
  fastify.addHook('preValidation', rejectMalformedParams);
  fastify.addHook('onSend', utf8Text);
  fastify.addHook('onSend', conditionalGet);
  fastify.addHook('onResponse', httpMetricsHooks(metrics).onResponse);
}

/** helmet's headers, on every answer. */
const SECURITY_HEADERS = securityHeaders({
  contentSecurityPolicy: {
    directives: {
      // Swagger UI at /docs runs from its own files, but styles some elements inline.
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:'],
      // Off: over plain HTTP on any host but localhost it would send the browser to
      // https:// for /docs' assets. TLS is the job of whatever terminates it in front.
      'upgrade-insecure-requests': null,
    },
  },
});

/**
 * Every request gets an id, in the access log and echoed as X-Request-Id, so a client's
 * report can be found in the logs. A caller's own id is kept when it looks like one.
 */
export function requestId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
}

function requestContext(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  restoreMalformedPath(request.raw);
  reply.header('X-Request-Id', request.id).headers(SECURITY_HEADERS);
  // The trace's server span is named by the route template, e.g. `GET /api/v1/orders/:id`.
  if (!request.is404 && request.routeOptions.url !== undefined) setHttpRoute(request.routeOptions.url);
  done();
}
