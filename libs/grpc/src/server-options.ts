import type { GrpcOptions } from '@nestjs/microservices';
import { Transport } from '@nestjs/microservices';
import { ReflectionService } from '@grpc/reflection';
import type { GrpcHealth } from './health';
import { PROTO_LOADER_OPTIONS } from './loader-options';

export interface GrpcServerParams {
  /** Proto package(s) served, e.g. `ecommerce.user.v1`. */
  packages: string[];
  /** Absolute paths of the .proto files that define them. */
  protoFiles: string[];
  /** Directory imports are resolved from (the proto root). */
  protoRoot: string;
  host: string;
  port: number;
  health: GrpcHealth;
}

/**
 * Options for `NestFactory.createMicroservice`: the service's own packages plus the
 * standard health service and server reflection (so grpcurl works without .proto files).
 * Shutdown is graceful: in-flight calls finish before the server closes.
 */
export function grpcServerOptions(params: GrpcServerParams): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      package: params.packages,
      protoPath: params.protoFiles,
      url: `${params.host}:${params.port}`,
      loader: { ...PROTO_LOADER_OPTIONS, includeDirs: [params.protoRoot] },
      gracefulShutdown: true,
      onLoadPackageDefinition: (definition, server) => {
        params.health.implementation.addToServer(server);
        new ReflectionService(definition).addToServer(server);
      },
    },
  };
}
