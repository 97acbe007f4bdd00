import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { secondsSince } from './grpc-metrics';
import { counter, histogram, REQUEST_SECONDS_BUCKETS } from './registry';

/** The `route` label of a request that no route handled (a 404, or one refused before routing). */
export const UNMATCHED_ROUTE = 'unmatched';

type HttpLabel = 'method' | 'route' | 'status_code';

/** What Express sets on a request once a route matched it. */
interface RoutedRequest extends IncomingMessage {
  baseUrl?: string;
  route?: { path?: unknown };
}

/**
 * Express middleware for HTTP RED metrics: `http_server_requests_total` and
 * `http_server_request_duration_seconds` by method, route template (`/api/v1/orders/:id`,
 * never the raw URL, so ids do not make a series each) and status code. Install it first,
 * so it times everything after it. Requests the client abandons before a response are not
 * counted.
 */
export function httpMetricsMiddleware(
  registry: Registry,
): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
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
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const labels = {
        method: req.method ?? 'UNKNOWN',
        route: routeTemplate(req as RoutedRequest),
        status_code: String(res.statusCode),
      };
      requests.inc(labels);
      duration.observe(labels, secondsSince(started));
    });
    next();
  };
}

/** `*`, `/*path`, `/{*path}`: a template that matches any path (a catch-all middleware's) says nothing. */
const CATCH_ALL = /^\/?(\{\*\w*\}|\*\w*|\(\.\*\))$/;

function routeTemplate(req: RoutedRequest): string {
  const path = req.route?.path;
  // A request no handler took may still carry the route of a catch-all middleware it passed.
  if (typeof path !== 'string' || CATCH_ALL.test(path)) return UNMATCHED_ROUTE;
  return `${req.baseUrl ?? ''}${path}`;
}
