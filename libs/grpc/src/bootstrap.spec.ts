import type { DynamicModule, INestMicroservice } from '@nestjs/common';
import type { Server, ServiceError, UntypedServiceImplementation } from '@grpc/grpc-js';
import { NestFactory } from '@nestjs/core';
import { loadSync } from '@grpc/proto-loader';
import { Transport } from '@nestjs/microservices';
import { type BackendServiceConfig, SERVICE_CONFIG } from '@ecommerce/config';
import { GRPC_SERVICE_NAMES, grpcProtoOptions } from '@ecommerce/contracts';
import { MetricsServer, onShutdownSignal, type ShutdownOptions } from '@ecommerce/observability';
import { bootstrapGrpcService } from './bootstrap';
import { GrpcHealth } from './health';
import { generateServiceKeyPair } from './service-tokens';

jest.mock('@nestjs/core', () => ({
  ...jest.requireActual('@nestjs/core'),
  NestFactory: { createMicroservice: jest.fn() },
}));
jest.mock('@ecommerce/observability', () => ({
  ...jest.requireActual('@ecommerce/observability'),
  LoggingModule: { forRoot: jest.fn(() => ({ module: class FakeLoggingModule {} })) },
  MetricsServer: jest.fn(),
  onShutdownSignal: jest.fn(),
}));

const USER = GRPC_SERVICE_NAMES.user;

const config = {
  LOG_LEVEL: 'silent',
  GRPC_HOST: '127.0.0.1',
  GRPC_PORT: 50051,
  METRICS_PORT: 9464,
  SHUTDOWN_TIMEOUT_MS: 3_000,
  SERVICE_PUBLIC_KEYS: { gateway: generateServiceKeyPair().publicKey },
} as unknown as BackendServiceConfig;

/** What the standard health service's Check answers for `service`, asked in process. */
function check(health: GrpcHealth, service: string): Promise<string> {
  let handlers: UntypedServiceImplementation = {};
  const server = {
    addService: (_definition: unknown, implementation: UntypedServiceImplementation) =>
      (handlers = implementation),
  };
  health.implementation.addToServer(server as unknown as Server);
  return new Promise((resolve) =>
    handlers.check(
      { request: { service } } as never,
      ((error: ServiceError | null, response?: { status: string }) =>
        resolve(error ? `error ${error.code}` : String(response?.status))) as never,
    ),
  );
}

function setup(probeIntervalMs?: number, after: Array<{ checkReady(): Promise<void> }> = []) {
  const events: string[] = [];
  const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };
  const probe = {
    failure: undefined as unknown,
    calls: 0,
    /** When set, a probe waits for it: a probe still in flight. */
    gate: undefined as Promise<void> | undefined,
  };
  class FakeCheck {
    async checkReady(): Promise<void> {
      probe.calls++;
      events.push('probe');
      if (probe.gate) await probe.gate;
      if (probe.failure !== undefined) throw probe.failure;
    }
  }
  // Each check is its own class, as each provider is; the app resolves the instance.
  const instances = new Map<unknown, unknown>([[FakeCheck, new FakeCheck()]]);
  const afterClasses = after.map((instance) => {
    const type = class AfterCheck {};
    instances.set(type, instance);
    return type;
  });
  const app = {
    get: jest.fn((token: unknown) => instances.get(token) ?? logger),
    useLogger: jest.fn(),
    listen: jest.fn(async () => void events.push('listen')),
    close: jest.fn(async () => void events.push('app.close')),
  };
  const metricsServers: Array<{ options: unknown }> = [];
  jest.mocked(MetricsServer).mockImplementation((options) => {
    const server = {
      options,
      start: jest.fn(async () => void events.push('metrics.start')),
      stop: jest.fn(async () => void events.push('metrics.stop')),
    };
    metricsServers.push(server);
    return server as unknown as MetricsServer;
  });
  jest
    .mocked(NestFactory.createMicroservice)
    .mockResolvedValue(app as unknown as INestMicroservice);

  const module: DynamicModule = { module: class UsersModule {} };
  const boot = () =>
    bootstrapGrpcService({
      name: 'user-service',
      config,
      module,
      grpc: { service: 'user' },
      readiness: [FakeCheck, ...afterClasses] as never,
      probeIntervalMs,
    });

  const root = () => jest.mocked(NestFactory.createMicroservice).mock.calls[0][0] as DynamicModule;
  const health = () =>
    (root().providers as Array<{ provide: unknown; useValue: GrpcHealth }>).find(
      (p) => p.provide === GrpcHealth,
    )?.useValue as GrpcHealth;
  const statuses = async () => [await check(health(), ''), await check(health(), USER)];
  const shutdown = () => jest.mocked(onShutdownSignal).mock.calls[0][0] as ShutdownOptions;

  return {
    app,
    boot,
    events,
    logger,
    metricsServers,
    module,
    probe,
    root,
    health,
    statuses,
    shutdown,
  };
}

const lines = (fn: jest.Mock) => fn.mock.calls.map((call) => String(call[0]));

beforeEach(() => {
  jest.clearAllMocks();
  jest.useFakeTimers();
});

afterEach(() => {
  jest.clearAllTimers();
  jest.useRealTimers();
});

describe('bootstrapGrpcService', () => {
  it('starts metrics, then listens, then probes, and reports SERVING once the probe passes', async () => {
    const { app, boot, events, logger, probe, statuses } = setup();
    await expect(boot()).resolves.toBe(app);

    expect(events).toEqual(['metrics.start', 'listen', 'probe']);
    expect(probe.calls).toBe(1);
    expect(await statuses()).toEqual(['SERVING', 'SERVING']);
    expect(app.useLogger).toHaveBeenCalledWith(logger);
    expect(lines(logger.log)).toEqual([
      'user-service serving gRPC on 127.0.0.1:50051',
      'user-service is ready: health SERVING',
    ]);
  });

  it('stays NOT_SERVING and warns with the reason on one line when the probe fails at start', async () => {
    const { boot, logger, probe, statuses } = setup();
    // The shape of Prisma's message for a database that does not exist.
    probe.failure = new Error(
      '\nInvalid `prisma.$queryRawUnsafe()` invocation:\n\n\nRaw query failed. Code: `3D000`.',
    );
    await boot();

    expect(await statuses()).toEqual(['NOT_SERVING', 'NOT_SERVING']);
    expect(lines(logger.warn)).toEqual([
      'user-service is not ready: health NOT_SERVING (Invalid `prisma.$queryRawUnsafe()` invocation: Raw query failed. Code: `3D000`.)',
    ]);
    expect(lines(logger.log)).not.toContainEqual(expect.stringContaining('ready'));
  });

  it('runs the checks in order: the first failure is the reason, and the later ones are not run', async () => {
    const later = { checkReady: jest.fn(async () => undefined) };
    const { boot, logger, probe, statuses } = setup(undefined, [later]);
    probe.failure = new Error('database is down');
    await boot();
    expect(later.checkReady).not.toHaveBeenCalled();
    expect(lines(logger.warn)).toEqual([
      'user-service is not ready: health NOT_SERVING (database is down)',
    ]);

    probe.failure = undefined;
    later.checkReady.mockRejectedValueOnce(new Error('messaging is not running: not started yet'));
    await jest.advanceTimersByTimeAsync(5_000);
    expect(later.checkReady).toHaveBeenCalledTimes(1);
    expect(await statuses()).toEqual(['NOT_SERVING', 'NOT_SERVING']);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(await statuses()).toEqual(['SERVING', 'SERVING']);
  });

  it('probes first once it listens, however long the start takes, and then every interval', async () => {
    const { app, boot, events, probe } = setup(1_000);
    // Listening waits for every module's start: messaging waits up to 5 s for the broker.
    app.listen.mockImplementation(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      events.push('listen');
    });
    const booted = boot();
    await jest.advanceTimersByTimeAsync(4_999);
    expect(probe.calls).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    await booted;
    expect(events).toEqual(['metrics.start', 'listen', 'probe']);

    await jest.advanceTimersByTimeAsync(1_000);
    expect(probe.calls).toBe(2);
  });

  it('does not start probing when shutdown began while it was starting', async () => {
    const { app, boot, probe, shutdown, statuses } = setup(1_000);
    app.listen.mockImplementation(async () => {
      await shutdown().beforeClose?.();
    });
    await boot();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(probe.calls).toBe(1);
    expect(await statuses()).toEqual(['NOT_SERVING', 'NOT_SERVING']);
  });

  it('serves reflection by default, and not with NODE_ENV=production unless GRPC_REFLECTION=true', async () => {
    const reflects = async (overrides: Partial<BackendServiceConfig>) => {
      jest.mocked(NestFactory.createMicroservice).mockClear();
      const { boot } = setup();
      Object.assign(config, overrides);
      try {
        await boot();
      } finally {
        Object.assign(config, { NODE_ENV: undefined, GRPC_REFLECTION: undefined });
      }
      const [, options] = jest.mocked(NestFactory.createMicroservice).mock.calls[0] as unknown as [
        unknown,
        { options: { onLoadPackageDefinition: (definition: unknown, server: unknown) => void } },
      ];
      const services: string[] = [];
      options.options.onLoadPackageDefinition(
        loadSync(grpcProtoOptions('user').protoPath, grpcProtoOptions('user').loader),
        {
          addService: (definition: Record<string, { path: string }>) =>
            services.push(Object.values(definition)[0].path),
        },
      );
      return services.some((path) => path.includes('Reflection'));
    };
    expect(await reflects({ NODE_ENV: 'development' })).toBe(true);
    expect(await reflects({ NODE_ENV: 'production' })).toBe(false);
    expect(await reflects({ NODE_ENV: 'production', GRPC_REFLECTION: true })).toBe(true);
    expect(await reflects({ NODE_ENV: 'development', GRPC_REFLECTION: false })).toBe(false);
  });

  it('provides the configuration to every module as SERVICE_CONFIG', async () => {
    const { boot, root } = setup();
    await boot();
    const providers = root().providers as Array<{ provide: unknown; useValue: unknown }>;
    expect(providers.find((p) => p.provide === SERVICE_CONFIG)?.useValue).toBe(config);
    expect(root().exports).toContain(SERVICE_CONFIG);
  });

  it('describes a probe failure that is not an Error by its string form', async () => {
    const { boot, logger, probe } = setup();
    probe.failure = 'database says no';
    await boot();
    expect(lines(logger.warn)).toEqual([
      'user-service is not ready: health NOT_SERVING (database says no)',
    ]);
  });

  it('probes again every probeIntervalMs, following the probe both ways and logging only changes', async () => {
    const { boot, logger, probe, statuses } = setup(1_000);
    await boot();
    expect(probe.calls).toBe(1);

    await jest.advanceTimersByTimeAsync(999);
    expect(probe.calls).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(probe.calls).toBe(2);

    probe.failure = new Error('database down');
    await jest.advanceTimersByTimeAsync(1_000);
    expect(await statuses()).toEqual(['NOT_SERVING', 'NOT_SERVING']);
    await jest.advanceTimersByTimeAsync(3_000);
    expect(probe.calls).toBe(6);

    probe.failure = undefined;
    await jest.advanceTimersByTimeAsync(1_000);
    expect(await statuses()).toEqual(['SERVING', 'SERVING']);
    await jest.advanceTimersByTimeAsync(2_000);

    expect(lines(logger.warn)).toEqual([
      'user-service is not ready: health NOT_SERVING (database down)',
    ]);
    expect(lines(logger.log).filter((line) => line.includes('ready'))).toEqual([
      'user-service is ready: health SERVING',
      'user-service is ready: health SERVING',
    ]);
  });

  it('probes every 5 seconds when no interval is given', async () => {
    const { boot, probe } = setup();
    await boot();
    await jest.advanceTimersByTimeAsync(4_999);
    expect(probe.calls).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(probe.calls).toBe(2);
  });

  it("serves the service's proto with health, metrics interceptor and buffered logs, from a global root module", async () => {
    const { boot, health, module, root } = setup();
    await boot();
    const [, options] = jest.mocked(NestFactory.createMicroservice).mock.calls[0] as unknown as [
      unknown,
      { transport: Transport; bufferLogs: boolean; options: Record<string, unknown> },
    ];

    expect(options.transport).toBe(Transport.GRPC);
    expect(options.bufferLogs).toBe(true);
    expect(options.options).toMatchObject({
      ...grpcProtoOptions('user'),
      url: '127.0.0.1:50051',
      gracefulShutdown: true,
    });
    const interceptors = (options.options.channelOptions as { interceptors: unknown[] })
      .interceptors;
    // The metrics, then the service token check (serviceAuthInterceptor).
    expect(interceptors).toHaveLength(2);
    expect(interceptors).toEqual([expect.any(Function), expect.any(Function)]);

    expect(root().global).toBe(true);
    expect(root().imports).toContain(module);
    expect(root().exports).toContain(GrpcHealth);
    expect(await check(health(), 'ecommerce.order.v1.OrderService')).toBe('error 5');
  });

  it('serves the metrics of a registry labelled with the service, on GRPC_HOST:METRICS_PORT', async () => {
    const { boot, logger, metricsServers } = setup();
    await boot();

    expect(metricsServers).toHaveLength(1);
    const options = metricsServers[0].options as {
      host: string;
      port: number;
      logger: unknown;
      registry: { metrics(): Promise<string> };
    };
    expect(options).toMatchObject({ host: '127.0.0.1', port: 9464, logger });
    expect(await options.registry.metrics()).toMatch(
      /^process_cpu_user_seconds_total\{service="user-service"\} /m,
    );
  });

  it('on shutdown says NOT_SERVING and stops probing first, then closes the app and then the metrics server', async () => {
    const { boot, events, logger, probe, shutdown, statuses } = setup(1_000);
    await boot();
    expect(onShutdownSignal).toHaveBeenCalledTimes(1);
    expect(shutdown()).toMatchObject({ timeoutMs: 3_000, logger });

    shutdown().beforeClose?.();
    expect(await statuses()).toEqual(['NOT_SERVING', 'NOT_SERVING']);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(probe.calls).toBe(1);
    expect(await statuses()).toEqual(['NOT_SERVING', 'NOT_SERVING']);

    events.length = 0;
    await shutdown().close();
    expect(events).toEqual(['app.close', 'metrics.stop']);
  });

  it('stays NOT_SERVING when a probe still in flight at shutdown passes afterwards', async () => {
    const { boot, probe, shutdown, statuses } = setup(1_000);
    await boot();
    expect(await statuses()).toEqual(['SERVING', 'SERVING']);

    let release!: () => void;
    probe.gate = new Promise((resolve) => (release = resolve));
    await jest.advanceTimersByTimeAsync(1_000); // the next probe starts, and waits
    expect(probe.calls).toBe(2);
    shutdown().beforeClose?.();
    release();
    await jest.advanceTimersByTimeAsync(0);
    expect(await statuses()).toEqual(['NOT_SERVING', 'NOT_SERVING']);
  });
});
