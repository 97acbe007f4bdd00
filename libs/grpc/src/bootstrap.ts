import { type DynamicModule, type INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { BackendServiceConfig } from '@ecommerce/config';
import {
  createMetricsRegistry,
  grpcServerMetricsInterceptor,
  LoggingModule,
  MetricsModule,
  MetricsServer,
  onShutdownSignal,
} from '@ecommerce/observability';
import { GRPC_SERVICE_NAMES, type ProtoService } from '@ecommerce/contracts';
import { GrpcHealth } from './health';
import { grpcServerOptions } from './server-options';

export interface GrpcServiceDefinition {
  /** Which service's proto package to serve. */
  service: ProtoService;
}

export interface BootstrapOptions {
  /** The name in logs, traces and health reports, e.g. `user-service`. */
  name: string;
  config: BackendServiceConfig;
  module: DynamicModule;
  grpc: GrpcServiceDefinition;
  /** Resolves when everything the service needs (its database...) answers; throws otherwise. */
  readinessProbe: (app: INestMicroservice) => Promise<void>;
  probeIntervalMs?: number;
}

@Module({})
class ServiceRootModule {}

/**
 * Starts a backend the same way everywhere: pino logs, a gRPC server with the standard
 * health service and reflection, SERVING only while `readinessProbe` passes (checked at
 * start and then every few seconds), NOT_SERVING as soon as shutdown begins, and a
 * graceful close on SIGTERM/SIGINT. Prometheus metrics (every gRPC call's status and
 * duration, and whatever the service registers on the injectable `MetricsRegistry`) are
 * served on `METRICS_PORT`.
 */
export async function bootstrapGrpcService(options: BootstrapOptions): Promise<INestMicroservice> {
  const { name, config, grpc } = options;
  const health = new GrpcHealth([GRPC_SERVICE_NAMES[grpc.service]]);
  const registry = createMetricsRegistry(name);
  const root: DynamicModule = {
    module: ServiceRootModule,
    global: true,
    imports: [
      LoggingModule.forRoot({ service: name, level: config.LOG_LEVEL }),
      MetricsModule.forRoot(registry),
      options.module,
    ],
    providers: [{ provide: GrpcHealth, useValue: health }],
    exports: [GrpcHealth],
  };
  const serverOptions = grpcServerOptions({ ...grpc, host: config.GRPC_HOST, port: config.GRPC_PORT, health });
  // Nest hands channelOptions to `new grpc.Server(...)`, which takes its interceptors from there.
  serverOptions.options.channelOptions = {
    ...serverOptions.options.channelOptions,
    interceptors: [grpcServerMetricsInterceptor(registry)],
  };
  const app = await NestFactory.createMicroservice(root, { ...serverOptions, bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  const metrics = new MetricsServer({ registry, host: config.GRPC_HOST, port: config.METRICS_PORT, logger });

  let ready: boolean | undefined;
  // Once shutdown has begun, health stays NOT_SERVING: a probe still in flight must not turn it back.
  let shuttingDown = false;
  const probe = async () => {
    try {
      await options.readinessProbe(app);
      if (shuttingDown) return;
      if (ready !== true) logger.log(`${name} is ready: health SERVING`);
      ready = true;
      health.setServing();
    } catch (error) {
      if (shuttingDown) return;
      if (ready !== false) logger.warn(`${name} is not ready: health NOT_SERVING (${describe(error)})`);
      ready = false;
      health.setNotServing();
    }
  };

  const timer = setInterval(() => void probe(), options.probeIntervalMs ?? 5_000);
  timer.unref();
  onShutdownSignal({
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    logger,
    beforeClose: () => {
      shuttingDown = true;
      clearInterval(timer);
      health.setNotServing();
    },
    close: async () => {
      await app.close();
      await metrics.stop();
    },
  });

  await metrics.start();
  await app.listen();
  logger.log(`${name} serving gRPC on ${config.GRPC_HOST}:${config.GRPC_PORT}`);
  await probe();
  return app;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}
