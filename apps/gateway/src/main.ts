import './instrumentation';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { loadConfigOrExit } from '@ecommerce/config';
import { MetricsRegistry, onShutdownSignal } from '@ecommerce/observability';
import { AppModule } from './app.module';
import { configSchema } from './config';
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
  setUpHttpServer(app.getHttpAdapter().getInstance(), app.get(MetricsRegistry));
  setUpOpenApi(app);

  onShutdownSignal({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS, logger, close: () => app.close() });

  await app.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
  logger.log(`gateway listening on http://${config.GATEWAY_HOST}:${config.GATEWAY_PORT}`);
}

void bootstrap();
