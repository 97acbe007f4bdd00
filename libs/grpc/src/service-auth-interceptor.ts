import { Metadata, type ServerInterceptor, ServerInterceptingCall, status } from '@grpc/grpc-js';
import {
  SERVICE_TOKEN_METADATA,
  ServiceTokenError,
  type ServiceTokenVerifier,
} from './service-tokens';

/**
 * The services a backend serves to anyone: the standard health service, which probes
 * (Docker, Kubernetes, the gateway's readiness) call without a credential. Server reflection
 * is not among them: it describes every method, so it asks for a service token like they do.
 */
export const OPEN_GRPC_SERVICES: readonly string[] = ['grpc.health.v1.Health'];

/**
 * A grpc-js server interceptor that lets a call through only with a valid service token (see
 * {@link ServiceTokenVerifier}) and otherwise ends it with UNAUTHENTICATED, saying why, before
 * its handler runs. One place for every method of every backend: a handler never sees an
 * unauthenticated call, and no service checks by hand.
 *
 * @example new grpc.Server({ interceptors: [serviceAuthInterceptor(new ServiceTokenVerifier('order-service', keys))] })
 */
export function serviceAuthInterceptor(
  verifier: ServiceTokenVerifier,
  open: readonly string[] = OPEN_GRPC_SERVICES,
): ServerInterceptor {
  const openPrefixes = open.map((service) => `/${service}/`);
  return (methodDescriptor, call) => {
    if (openPrefixes.some((prefix) => methodDescriptor.path.startsWith(prefix)))
      return new ServerInterceptingCall(call);
    // Whatever went wrong, the call is refused: an unexpected error never lets one through.
    const refuse = (error: unknown) =>
      call.sendStatus({
        code: status.UNAUTHENTICATED,
        details:
          error instanceof ServiceTokenError
            ? error.message
            : 'the service token could not be verified',
        metadata: new Metadata(),
      });
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, accept) => {
            const [value] = metadata.get(SERVICE_TOKEN_METADATA);
            const authorization = typeof value === 'string' ? value : undefined;
            // The steady state: a token seen before, accepted without leaving this tick.
            if (verifier.cachedCaller(authorization)) return accept(metadata);
            // Until `accept`, grpc-js holds the request back: the handler cannot start early.
            verifier.verify(authorization).then(() => accept(metadata), refuse);
          },
        }),
    });
  };
}
