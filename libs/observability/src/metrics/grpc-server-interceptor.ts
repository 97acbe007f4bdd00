import { type ServerInterceptor, ServerInterceptingCall, status } from '@grpc/grpc-js';
import type { Registry } from 'prom-client';
import { grpcServerRecorder, secondsSince, splitGrpcPath } from './grpc-metrics';

/**
 * A grpc-js server interceptor that counts and times every call by the status it ends with:
 * handled at the transport, below Nest, so the health checks, reflection, domain errors and
 * validation errors are all counted with the code the client really received. A call the
 * client cancels counts as CANCELLED.
 *
 * @example new grpc.Server({ interceptors: [grpcServerMetricsInterceptor(registry)] })
 */
export function grpcServerMetricsInterceptor(registry: Registry): ServerInterceptor {
  const record = grpcServerRecorder(registry);
  return (methodDescriptor, call) => {
    const { service, method } = splitGrpcPath(methodDescriptor.path);
    const started = process.hrtime.bigint();
    let recorded = false;
    const finish = (code: number | undefined) => {
      if (recorded) return;
      recorded = true;
      record({ service, method, code, seconds: secondsSince(started) });
    };
    return new ServerInterceptingCall(call, {
      start: (next) => next({ onCancel: () => finish(status.CANCELLED) }),
      sendStatus: (statusObject, next) => {
        finish(statusObject.code);
        next(statusObject);
      },
    });
  };
}
