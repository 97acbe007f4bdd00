import './instrumentation';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { loadConfigOrExit, unlessProduction } from '@ecommerce/config';
import { MetricsRegistry, MetricsServer, onShutdownSignal } from '@ecommerce/observability';
import { AppModule } from './app.module';
import { configSchema } from './config';
import { CONSOLE_PATH, setUpConsole } from './console/console';
import { serverOptions, setUpHttpServer } from './http/http-server';
import { setUpOpenApi } from './openapi/openapi';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit('gateway', configSchema);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), new FastifyAdapter(serverOptions(config)), {
    bufferLogs: true,
    // The JSON body parser is the gateway's own (http/json-body.ts).
    bodyParser: false,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  const registry = app.get(MetricsRegistry);
  setUpHttpServer(app.getHttpAdapter().getInstance(), registry);
  if (unlessProduction(config.API_DOCS, config.NODE_ENV)) setUpOpenApi(app);
  const consoleServed = setUpConsole(app, config);
  // With METRICS_PORT, GET /metrics is served there only, as the backends do (see AppModule).
  const metrics =
    config.METRICS_PORT === undefined
      ? undefined
      : new MetricsServer({ registry, host: config.GATEWAY_HOST, port: config.METRICS_PORT, logger });

  onShutdownSignal({
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    logger,
    close: async () => {
      await app.close();
      await metrics?.stop();
    },
  });

  await metrics?.start();
  await app.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
  logger.log(`gateway listening on http://${config.GATEWAY_HOST}:${config.GATEWAY_PORT}`);
  if (consoleServed) logger.log(`console at http://${config.GATEWAY_HOST}:${config.GATEWAY_PORT}${CONSOLE_PATH}`);
  else logger.log(`no console: ${config.CONSOLE_DIR} holds no build of apps/console`);
}

void bootstrap();
