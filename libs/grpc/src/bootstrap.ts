import { type DynamicModule, type INestMicroservice, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { type BackendServiceConfig, SERVICE_CONFIG, unlessProduction } from '@ecommerce/config';
import {
  createMetricsRegistry,
  grpcServerMetricsInterceptor,
  LoggingModule,
  MetricsModule,
  MetricsServer,
  onShutdownSignal,
  type ReadinessCheck,
} from '@ecommerce/observability';
import { GRPC_SERVICE_NAMES, type ProtoService, type SharedProtoApi } from '@ecommerce/contracts';
import { GrpcHealth } from './health';
import { grpcServerOptions } from './server-options';
import { serviceAuthInterceptor } from './service-auth-interceptor';
import { ServiceTokenVerifier } from './service-tokens';

export interface GrpcServiceDefinition {
  /** Which service's proto package to serve. */
  service: ProtoService;
  /**
   * Shared APIs it serves too: `['deadLetters']` for a service that consumes Kafka (its
   * controller comes with `MessagingModule`). Behind the same service-token check.
   */
  shared?: readonly SharedProtoApi[];
}

export interface BootstrapOptions {
  /** The name in logs, traces and health reports, e.g. `user-service`. */
  name: string;
  /** The parsed configuration, provided to every module as `SERVICE_CONFIG`. */
  config: BackendServiceConfig;
  /** The service's AppModule. */
  module: Type | DynamicModule;
  grpc: GrpcServiceDefinition;
  /**
   * The providers whose `checkReady()` must all pass for SERVING, checked in this order (the
   * first that fails is the reason given): the database, the service's own, messaging.
   */
  readiness: readonly Type<ReadinessCheck>[];
  probeIntervalMs?: number;
}

@Module({})
class ServiceRootModule {}

/**
 * Starts a backend the same way everywhere: pino logs, the configuration as `SERVICE_CONFIG`,
 * a gRPC server with the standard health service (and reflection, outside production), every call
 * but health refused without a service token from a caller in `SERVICE_PUBLIC_KEYS`, SERVING only while every
 * readiness check passes (checked at start and then every few seconds), NOT_SERVING as soon as shutdown begins, and a
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
    providers: [
      { provide: GrpcHealth, useValue: health },
      { provide: SERVICE_CONFIG, useValue: config },
    ],
    exports: [GrpcHealth, SERVICE_CONFIG],
  };
  const serverOptions = grpcServerOptions({
    ...grpc,
    host: config.GRPC_HOST,
    port: config.GRPC_PORT,
    health,
    reflection: unlessProduction(config.GRPC_REFLECTION, config.NODE_ENV),
  });
  // Nest hands channelOptions to `new grpc.Server(...)`, which takes its interceptors from there.
  // The metrics come first (outermost), so the calls refused for want of a service token are
  // counted too, as UNAUTHENTICATED.
  serverOptions.options.channelOptions = {
    ...serverOptions.options.channelOptions,
    interceptors: [
      grpcServerMetricsInterceptor(registry),
      serviceAuthInterceptor(new ServiceTokenVerifier(name, config.SERVICE_PUBLIC_KEYS)),
    ],
  };
  const app = await NestFactory.createMicroservice(root, { ...serverOptions, bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  const metrics = new MetricsServer({
    registry,
    host: config.GRPC_HOST,
    port: config.METRICS_PORT,
    logger,
  });

  let ready: boolean | undefined;
  // Once shutdown has begun, health stays NOT_SERVING: a probe still in flight must not turn it back.
  let shuttingDown = false;
  const checks = () => options.readiness.map((check) => app.get(check, { strict: false }));
  const probe = async () => {
    try {
      for (const check of checks()) await check.checkReady();
      if (shuttingDown) return;
      if (ready !== true) logger.log(`${name} is ready: health SERVING`);
      ready = true;
      health.setServing();
    } catch (error) {
      if (shuttingDown) return;
      if (ready !== false)
        logger.warn(`${name} is not ready: health NOT_SERVING (${describe(error)})`);
      ready = false;
      health.setNotServing();
    }
  };

  let timer: NodeJS.Timeout | undefined;
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
  // Listening waits for every module's start (messaging waits up to 5 s for the broker), so
  // the probing starts after it: a report of the health always comes from a server that serves.
  await app.listen();
  logger.log(`${name} serving gRPC on ${config.GRPC_HOST}:${config.GRPC_PORT}`);
  await probe();
  if (!shuttingDown) {
    timer = setInterval(() => void probe(), options.probeIntervalMs ?? 5_000);
    timer.unref();
  }
  return app;
}

/** The reason on one line: Prisma's messages, for one, begin with a blank line. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');
}
