import { status } from '@grpc/grpc-js';
import type { Registry } from 'prom-client';
import { counter, histogram, REQUEST_SECONDS_BUCKETS } from './registry';

type GrpcLabel = 'grpc_service' | 'grpc_method' | 'grpc_code';
const LABELS: GrpcLabel[] = ['grpc_service', 'grpc_method', 'grpc_code'];

/** `OK`, `NOT_FOUND`...: the status name of a gRPC code; anything else is `UNKNOWN`. */
export function grpcCodeName(code: number | undefined): string {
  return (code !== undefined && (status as unknown as Record<number, string>)[code]) || 'UNKNOWN';
}

/** `/ecommerce.order.v1.OrderService/GetOrder` → service `ecommerce.order.v1.OrderService`, method `GetOrder`. */
export function splitGrpcPath(path: string): { service: string; method: string } {
  const [, service = 'unknown', method = 'unknown'] = path.split('/');
  return { service, method };
}

/** Records one finished RPC: a count and a duration by service, method and status. */
export type GrpcCallRecorder = (call: { service: string; method: string; code: number | undefined; seconds: number }) => void;

function recorder(registry: Registry, side: 'server' | 'client'): GrpcCallRecorder {
  const handled = counter(registry, {
    name: `grpc_${side}_handled_total`,
    help: `gRPC calls completed ${side === 'server' ? 'by this server' : 'by this client'}, by final status`,
    labelNames: LABELS,
  });
  const seconds = histogram(registry, {
    name: `grpc_${side}_handling_seconds`,
    help: `How long a gRPC call took ${side === 'server' ? 'to handle' : 'to answer, seen from the client'}, in seconds`,
    labelNames: LABELS,
    buckets: REQUEST_SECONDS_BUCKETS,
  });
  return (call) => {
    const labels = { grpc_service: call.service, grpc_method: call.method, grpc_code: grpcCodeName(call.code) };
    handled.inc(labels);
    seconds.observe(labels, call.seconds);
  };
}

/** `grpc_server_handled_total` and `grpc_server_handling_seconds` on `registry`. */
export function grpcServerRecorder(registry: Registry): GrpcCallRecorder {
  return recorder(registry, 'server');
}

/** `grpc_client_handled_total` and `grpc_client_handling_seconds` on `registry`. */
export function grpcClientRecorder(registry: Registry): GrpcCallRecorder {
  return recorder(registry, 'client');
}

/** Seconds since `start` (from `process.hrtime.bigint()`). */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
