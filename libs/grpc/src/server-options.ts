import type { GrpcOptions } from '@nestjs/microservices';
import { Transport } from '@nestjs/microservices';
import { ReflectionService } from '@grpc/reflection';
import type { GrpcHealth } from './health';
import {
  grpcProtoOptions,
  grpcServerProtoOptions,
  type ProtoService,
  type SharedProtoApi,
} from '@ecommerce/contracts';

export interface GrpcServerParams {
  /** Which service's proto package to serve. */
  service: ProtoService;
  /** Shared APIs served besides its own, e.g. `deadLetters` by every backend that consumes Kafka. */
  shared?: readonly SharedProtoApi[];
  host: string;
  port: number;
  health: GrpcHealth;
  /** Serve server reflection (development: grpcurl without .proto files). */
  reflection: boolean;
}

/**
 * Options for `NestFactory.createMicroservice`: the service's own proto package plus the
 * standard health service and, when asked, server reflection (so grpcurl works without
 * .proto files; it tells whoever asks every method, so production leaves it off).
 * Shutdown is graceful: in-flight calls finish before the server closes.
 */
export function grpcServerOptions(params: GrpcServerParams): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      ...(params.shared?.length
        ? grpcServerProtoOptions([params.service, ...params.shared])
        : grpcProtoOptions(params.service)),
      url: `${params.host}:${params.port}`,
      gracefulShutdown: true,
      onLoadPackageDefinition: (definition, server) => {
        params.health.implementation.addToServer(server);
        if (params.reflection) new ReflectionService(definition).addToServer(server);
      },
    },
  };
}
