import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { PROBE_ROUTES } from '@ecommerce/telemetry';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { type LogLevel, loggerOptions } from './logger';

export interface LoggingOptions {
  service: string;
  level?: LogLevel;
}

/**
 * Nest's logger replaced by pino. Import once in each app's root module and call
 * `app.useLogger(app.get(Logger))` in main.ts. On HTTP apps pino-http also writes one
 * access-log line per request but probes, with the request's `trace_id`.
 */
@Module({})
export class LoggingModule {
  static forRoot({ service, level = 'info' }: LoggingOptions): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          // Probes and scrapes arrive every few seconds and are not work: pino-http does not
          // run for them at all (no access line, no per-request child logger). Their counts and
          // latencies are in the HTTP metrics.
          exclude: PROBE_ROUTES.map((path) => ({ path, method: RequestMethod.ALL })),
          pinoHttp: [
            {
              ...loggerOptions(service, level),
              serializers: {
                req: (req: { id: unknown; method: string; url: string }) => ({
                  id: req.id,
                  method: req.method,
                  url: req.url,
                }),
                res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
              },
              customLogLevel: (_req, res, error) =>
                error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
            },
            // Lines go to stdout asynchronously (pino flushes what is left when the process
            // exits): a request or a saga step never waits for a write to a slow pipe.
            pino.destination({ dest: 1, sync: false }),
          ],
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
