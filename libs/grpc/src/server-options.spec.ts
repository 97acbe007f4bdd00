import type { Server, ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Transport } from '@nestjs/microservices';
import { GRPC_SERVICE_NAMES, grpcProtoOptions } from '@ecommerce/contracts';
import { GrpcHealth } from './health';
import { grpcServerOptions } from './server-options';

/** Records what is added to a gRPC server: each method's path, and its handler. */
function recordingServer() {
  const handlers = new Map<string, UntypedServiceImplementation[string]>();
  const server = {
    addService(definition: ServiceDefinition, implementation: UntypedServiceImplementation) {
      // As grpc-js does: a handler is found by the method's name, else by its original name.
      for (const [name, method] of Object.entries(definition)) {
        const original = method.originalName;
        handlers.set(
          method.path,
          implementation[name] ?? (original ? implementation[original] : undefined),
        );
      }
    },
  };
  return { server: server as unknown as Server, handlers };
}

describe('grpcServerOptions', () => {
  const health = new GrpcHealth([GRPC_SERVICE_NAMES.order]);
  const params = { service: 'order', host: '0.0.0.0', port: 50053, health } as const;
  const options = grpcServerOptions({ ...params, reflection: true });

  it("serves the service's own proto package over gRPC on host:port, shutting down gracefully", () => {
    expect(options.transport).toBe(Transport.GRPC);
    expect(options.options).toMatchObject({
      ...grpcProtoOptions('order'),
      url: '0.0.0.0:50053',
      gracefulShutdown: true,
    });
  });

  it('serves the shared APIs it is given besides its own, from one proto load', () => {
    const shared = grpcServerOptions({ ...params, reflection: false, shared: ['deadLetters'] });
    expect(shared.options).toMatchObject({
      package: ['ecommerce.order.v1', 'ecommerce.deadletters.v1'],
      protoPath: [grpcProtoOptions('order').protoPath, grpcProtoOptions('deadLetters').protoPath],
    });
  });

  it('adds the standard health service, backed by the GrpcHealth given, and server reflection', async () => {
    const proto = grpcProtoOptions('order');
    const definition = loadSync(proto.protoPath, proto.loader);
    const { server, handlers } = recordingServer();
    options.options.onLoadPackageDefinition?.(definition, server);

    expect([...handlers.keys()]).toEqual(
      expect.arrayContaining([
        '/grpc.health.v1.Health/Check',
        '/grpc.health.v1.Health/Watch',
        '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
        '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
      ]),
    );

    const check = (service: string) =>
      new Promise((resolve) =>
        (handlers.get('/grpc.health.v1.Health/Check') as (...args: unknown[]) => void)(
          { request: { service } },
          (_error: unknown, response?: { status: string }) => resolve(response?.status),
        ),
      );
    expect(await check(GRPC_SERVICE_NAMES.order)).toBe('NOT_SERVING');
    health.setServing();
    expect(await check(GRPC_SERVICE_NAMES.order)).toBe('SERVING');
    expect(await check('')).toBe('SERVING');
  });

  it('leaves reflection out when asked to, and keeps health', () => {
    const proto = grpcProtoOptions('order');
    const definition = loadSync(proto.protoPath, proto.loader);
    const { server, handlers } = recordingServer();
    grpcServerOptions({ ...params, reflection: false }).options.onLoadPackageDefinition?.(
      definition,
      server,
    );

    expect([...handlers.keys()]).toContain('/grpc.health.v1.Health/Check');
    expect([...handlers.keys()].filter((path) => path.includes('Reflection'))).toEqual([]);
  });
});
