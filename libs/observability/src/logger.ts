import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type Logger, type LoggerOptions } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * One JSON line per event, the same shape in every process: `level` as a word, an ISO
 * timestamp and the `service` that wrote it, so logs from six services can be merged and
 * filtered without guessing. A line written inside a traced operation also carries its
 * `trace_id` and `span_id`: from a log line to its trace, and from a trace to every line.
 */
export function loggerOptions(service: string, level: LogLevel = 'info'): LoggerOptions {
  return {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: traceFields,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.passwordHash'],
      censor: '[redacted]',
    },
  };
}

/** A plain pino logger, for code that runs outside Nest (tools, bootstrap failures). */
export function createLogger(service: string, level: LogLevel = 'info'): Logger {
  return pino(loggerOptions(service, level));
}

/** The active span's ids, in the field names OpenTelemetry's log data model uses. */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const context = trace.getActiveSpan()?.spanContext();
  if (!context || !isSpanContextValid(context)) return {};
  return { trace_id: context.traceId, span_id: context.spanId };
}
