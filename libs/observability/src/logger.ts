import pino, { type Logger, type LoggerOptions } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * One JSON line per event, the same shape in every process: `level` as a word, an ISO
 * timestamp and the `service` that wrote it, so logs from six services can be merged and
 * filtered without guessing.
 */
export function loggerOptions(service: string, level: LogLevel = 'info'): LoggerOptions {
  return {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
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
