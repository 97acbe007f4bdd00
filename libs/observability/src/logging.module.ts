import { type DynamicModule, Module } from '@nestjs/common';
import { PROBE_PATHS } from '@ecommerce/telemetry';
import { LoggerModule } from 'nestjs-pino';
import { type LogLevel, loggerOptions } from './logger';

export interface LoggingOptions {
  service: string;
  level?: LogLevel;
}

/**
 * Nest's logger replaced by pino. Import once in each app's root module and call
 * `app.useLogger(app.get(Logger))` in main.ts. On HTTP apps pino-http also writes one
 * access-log line per request, with the request's `trace_id`.
 */
@Module({})
export class LoggingModule {
  static forRoot({ service, level = 'info' }: LoggingOptions): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            ...loggerOptions(service, level),
            serializers: {
              req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            // Probes and scrapes succeed every few seconds: their lines are written at debug.
            customLogLevel: (req, res, error) =>
              error || res.statusCode >= 500
                ? 'error'
                : res.statusCode >= 400
                  ? 'warn'
                  : PROBE_PATHS.test(req.url ?? '')
                    ? 'debug'
                    : 'info',
          },
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
