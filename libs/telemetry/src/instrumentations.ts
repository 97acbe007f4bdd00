import type { IncomingMessage } from 'node:http';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PROBE_PATHS } from './probes';

/** gRPC methods called by probes (the standard health service) every few seconds. */
const UNTRACED_GRPC_METHODS = ['Check', 'Watch'];

/**
 * What gets traced in every process. Each library is patched when it is first required, which
 * is why each app loads its `instrumentation.ts` before anything else.
 *
 * - http + express + nestjs-core: the gateway's request, its route and its controller.
 * - grpc: client and server spans; W3C trace context travels in the call's metadata.
 * - kafkajs: a CONSUMER span per message, continuing the `traceparent` header. The outbox relay
 *   makes its own PRODUCER spans (see @ecommerce/messaging), because it publishes rows written
 *   by many requests in one batch.
 * - pg (which Prisma's driver adapter uses) and ioredis: only inside a traced operation, so
 *   the relay's polling and the rate limiter's housekeeping do not start traces of their own.
 */
export function instrumentations(): Instrumentation[] {
  return [
    // Probes are not work: tracing them would bury the orders under noise.
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request: IncomingMessage) => PROBE_PATHS.test(request.url ?? ''),
    }),
    new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
    new NestInstrumentation(),
    new GrpcInstrumentation({ ignoreGrpcMethods: UNTRACED_GRPC_METHODS }),
    new KafkaJsInstrumentation(),
    new PgInstrumentation({ requireParentSpan: true }),
    new IORedisInstrumentation({ requireParentSpan: true }),
  ];
}
