import type { IncomingMessage } from 'node:http';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import type { InstrumentationName } from './config';
import { PROBE_PATHS } from './probes';

/** gRPC methods called by probes (the standard health service) every few seconds. */
const UNTRACED_GRPC_METHODS = ['Check', 'Watch'];

/**
 * The instrumentations a process can run, by the names `OTEL_NODE_ENABLED_INSTRUMENTATIONS` takes.
 * `express` loads nothing: the gateway runs on Fastify and names its request spans by route
 * itself (`setHttpRoute`); the name is still accepted, so an older configuration keeps working.
 */
const AVAILABLE = {
  // Probes are not work: tracing them would bury the orders under noise.
  http: () =>
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request: IncomingMessage) => PROBE_PATHS.test(request.url ?? ''),
    }),
  express: () => undefined,
  'nestjs-core': () => new NestInstrumentation(),
  grpc: () => new GrpcInstrumentation({ ignoreGrpcMethods: UNTRACED_GRPC_METHODS }),
  pg: () => new PgInstrumentation({ requireParentSpan: true }),
  ioredis: () => new IORedisInstrumentation({ requireParentSpan: true }),
} as const satisfies Record<InstrumentationName, () => Instrumentation | undefined>;

/**
 * What is traced unless `OTEL_NODE_ENABLED_INSTRUMENTATIONS` says otherwise: what carries one
 * order's trace across the processes, and nothing more.
 *
 * - http: the gateway's request, named by its route (the gateway sets it: `setHttpRoute`).
 * - grpc: client and server spans; W3C trace context travels in the call's metadata.
 *
 * Kafka needs no instrumentation: @ecommerce/messaging makes a PRODUCER span per message the
 * outbox relay publishes and a CONSUMER span per message an inbox consumer handles, each
 * continuing the `traceparent` header (the relay publishes rows of many requests in one
 * request, and consumers handle a batch's messages concurrently, which the kafkajs
 * instrumentation would trace as one span with links instead of one trace per order).
 *
 * Off by default, on by name: `nestjs-core` (a span per controller and guard), `pg` (a span per
 * SQL statement, which Prisma's driver adapter sends through pg) and `ioredis`. They carry no
 * context between processes and cost a span each, many per order; `pg` and `ioredis` only
 * trace inside a traced operation when on, so the relay's polling starts no traces of its own.
 */
export const DEFAULT_INSTRUMENTATIONS: readonly InstrumentationName[] = ['http', 'grpc'];

/**
 * The instrumentations to register. Each library is patched when it is first required, which is
 * why each app loads its `instrumentation.ts` before anything else.
 */
export function instrumentations(names: readonly InstrumentationName[] = DEFAULT_INSTRUMENTATIONS): Instrumentation[] {
  return names.flatMap((name) => AVAILABLE[name]() ?? []);
}
