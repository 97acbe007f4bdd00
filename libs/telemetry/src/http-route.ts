import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';

/**
 * Names the HTTP server span of the current request by its route template: `http.route` and a
 * span name such as `GET /api/v1/orders/:id` (never the raw URL, which would make a span name
 * per id). The http instrumentation starts the span before any router has run and reads the
 * route back when the response ends, from the request's context; a web framework's own
 * instrumentation would fill it in, this does it for a server that has none (the gateway on
 * Fastify calls it from a hook once its router has matched). Outside a traced HTTP request it
 * does nothing.
 */
export function setHttpRoute(route: string): void {
  const metadata = getRPCMetadata(context.active());
  if (metadata?.type === RPCType.HTTP) metadata.route = route;
}
