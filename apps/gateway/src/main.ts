import './instrumentation';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { loadConfigOrExit } from '@ecommerce/config';
import { httpMetricsMiddleware, MetricsRegistry, onShutdownSignal } from '@ecommerce/observability';
import { AppModule } from './app.module';
import { configSchema } from './config';
import { setUpOpenApi } from './openapi/openapi';
import { bodyParserErrors } from './problem-details/body-parser-errors';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit('gateway', configSchema);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.disable('x-powered-by');
  // The client IP (rate limits) comes from X-Forwarded-For only behind this many trusted proxies.
  app.set('trust proxy', config.TRUST_PROXY_HOPS);
  app.use(httpMetricsMiddleware(app.get(MetricsRegistry))); // first: it times everything after it
  app.use(requestId);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // Swagger UI at /docs runs from its own files, but styles some elements inline.
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          // Off: over plain HTTP on any host but localhost it would send the browser to
          // https:// for /docs' assets. TLS is the job of whatever terminates it in front.
          'upgrade-insecure-requests': null,
        },
      },
    }),
  );
  app.useBodyParser('json', { limit: '1mb' });
  app.use(bodyParserErrors); // malformed JSON 400, more than 1 MiB 413, as problem+json
  setUpOpenApi(app);

  onShutdownSignal({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS, logger, close: () => app.close() });

  await app.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
  logger.log(`gateway listening on http://${config.GATEWAY_HOST}:${config.GATEWAY_PORT}`);
}

/**
 * Every request gets an id, in the access log and echoed as X-Request-Id, so a client's
 * report can be found in the logs. A caller's own id is kept when it looks like one.
 */
function requestId(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
  (req as Request & { id: string }).id = id;
  res.setHeader('X-Request-Id', id);
  next();
}

void bootstrap();
