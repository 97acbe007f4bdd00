import { Kafka, type KafkaConfig, logLevel, type RetryOptions } from 'kafkajs';
import pino from 'pino';
import { type KafkaLogger, toLogCreator } from './logger';
import { fixKafkajsRequestQueue } from './request-queue-fix';

export interface CreateKafkaOptions {
  clientId: string;
  /** `['127.0.0.1:29092']`, or a comma-separated string as found in KAFKA_BROKERS. */
  brokers: string | readonly string[];
  /** Where kafkajs logs go; default a pino logger named after the client. */
  logger?: KafkaLogger;
  /** What kafkajs emits at all (default INFO); the logger may still drop more. */
  logLevel?: logLevel;
  connectionTimeout?: number;
  requestTimeout?: number;
  retry?: RetryOptions;
}

/**
 * A kafkajs client whose logs go to a pino-compatible logger instead of console, with the
 * library's idle busy-loop fixed (see request-queue-fix.ts).
 */
export function createKafka(options: CreateKafkaOptions): Kafka {
  fixKafkajsRequestQueue();
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: parseBrokers(options.brokers),
    logLevel: options.logLevel ?? logLevel.INFO,
    logCreator: toLogCreator(options.logger ?? pino({ name: options.clientId })),
    ...(options.connectionTimeout !== undefined
      ? { connectionTimeout: options.connectionTimeout }
      : {}),
    ...(options.requestTimeout !== undefined ? { requestTimeout: options.requestTimeout } : {}),
    ...(options.retry !== undefined ? { retry: options.retry } : {}),
  };
  return new Kafka(config);
}

/** `'a:1, b:2'` → `['a:1', 'b:2']`; rejects an empty list and `localhost` (Node may resolve it to ::1). */
export function parseBrokers(brokers: string | readonly string[]): string[] {
  const list = (typeof brokers === 'string' ? brokers.split(',') : [...brokers])
    .map((b) => b.trim())
    .filter((b) => b !== '');
  if (list.length === 0)
    throw new Error('Kafka brokers: empty list (expected host:port[,host:port...])');
  for (const broker of list) {
    if (!/^[^:\s]+:\d+$/.test(broker)) throw new Error(`Kafka broker "${broker}" is not host:port`);
    if (broker.toLowerCase().startsWith('localhost:')) {
      throw new Error(
        `Kafka broker "${broker}": use 127.0.0.1 instead of localhost (Node may resolve localhost to ::1)`,
      );
    }
  }
  return list;
}
