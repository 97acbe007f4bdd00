import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { loadConfigOrExit } from '@ecommerce/config';
import { onShutdownSignal } from '@ecommerce/observability';
import { AppModule } from './app.module';
import { configSchema } from './config';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit('gateway', configSchema);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), {
    bufferLogs: true,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.disable('x-powered-by');

  onShutdownSignal({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS, logger, close: () => app.close() });

  await app.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
  logger.log(`gateway listening on http://${config.GATEWAY_HOST}:${config.GATEWAY_PORT}`);
}

void bootstrap();
