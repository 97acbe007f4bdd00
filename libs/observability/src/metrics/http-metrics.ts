import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { counter, histogram, REQUEST_SECONDS_BUCKETS } from './registry';

/** The `route` label of a request that no route handled (a 404). */
export const UNMATCHED_ROUTE = 'unmatched';

type HttpLabel = 'method' | 'route' | 'status_code';

export interface HttpMetricsHooks {
  /** Register as Fastify's `onResponse` hook: it runs once the response has been sent. */
  onResponse(request: FastifyRequest, reply: FastifyReply, done: () => void): void;
}

/**
 * Fastify hooks for HTTP RED metrics: `http_server_requests_total` and
 * `http_server_request_duration_seconds` by method, route template (`/api/v1/orders/:id`,
 * never the raw URL, so ids do not make a series each) and status code. The duration is
 * Fastify's own clock for the request, from routing to the last byte handed to the socket, so
 * every hook, parser and handler is timed. Requests the client abandons before a response are
 * not counted.
 */
export function httpMetricsHooks(registry: Registry): HttpMetricsHooks {
  const requests = counter<HttpLabel>(registry, {
    name: 'http_server_requests_total',
    help: 'HTTP requests answered, by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'],
  });
  const duration = histogram<HttpLabel>(registry, {
    name: 'http_server_request_duration_seconds',
    help: 'How long an HTTP request took to answer, in seconds',
    labelNames: ['method', 'route', 'status_code'],
    buckets: REQUEST_SECONDS_BUCKETS,
  });
  return {
    onResponse(request, reply, done) {
      const labels = { method: request.method, route: routeTemplate(request), status_code: String(reply.statusCode) };
      requests.inc(labels);
      duration.observe(labels, reply.elapsedTime / 1000);
      done();
    },
  };
}

/** The template of the route that took the request: Fastify's 404 handler has none worth a series. */
function routeTemplate(request: FastifyRequest): string {
  if (request.is404) return UNMATCHED_ROUTE;
  return request.routeOptions.url ?? UNMATCHED_ROUTE;
}
