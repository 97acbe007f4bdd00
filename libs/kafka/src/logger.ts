import { type LogEntry, logLevel, type logCreator } from 'kafkajs';

/**
 * The part of a pino logger this library uses: `logger.info({ ...fields }, 'message')`.
 * A pino `Logger` (or nestjs-pino's) fits as is.
 */
export interface KafkaLogger {
  error(fields: Record<string, unknown>, message?: string): void;
  warn(fields: Record<string, unknown>, message?: string): void;
  info(fields: Record<string, unknown>, message?: string): void;
  debug(fields: Record<string, unknown>, message?: string): void;
}

/**
 * A kafkajs `logCreator` that writes through `logger` instead of console: the kafkajs message
 * becomes the log message, its extra fields (groupId, topic, error, stack, ...) become fields,
 * and the kafkajs namespace (Consumer, Producer, Connection, ...) is `kafkajs`.
 */
export function toLogCreator(logger: KafkaLogger): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      // kafkajs adds its own timestamp and `logger: 'kafkajs'`; pino stamps time itself.
      const { message, timestamp: _timestamp, logger: _logger, ...fields } = log;
      const entry = { ...fields, kafkajs: namespace };
      switch (level) {
        case logLevel.ERROR:
        case logLevel.NOTHING:
          return logger.error(entry, message);
        case logLevel.WARN:
          return logger.warn(entry, message);
        case logLevel.INFO:
          return logger.info(entry, message);
        default:
          return logger.debug(entry, message);
      }
    };
}
