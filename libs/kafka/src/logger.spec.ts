import { logLevel } from 'kafkajs';
import pino from 'pino';
import { type KafkaLogger, toLogCreator } from './logger';

function recordingLogger() {
  const calls: Array<{ level: string; fields: Record<string, unknown>; message?: string }> = [];
  const at = (level: string) => (fields: Record<string, unknown>, message?: string) =>
    calls.push({ level, fields, message });
  const logger: KafkaLogger = {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
  };
  return { logger, calls };
}

describe('toLogCreator', () => {
  it('maps each kafkajs level to the logger method and keeps the extra fields', () => {
    const { logger, calls } = recordingLogger();
    const write = toLogCreator(logger)(logLevel.DEBUG);
    const log = (level: logLevel, message: string) =>
      write({
        namespace: 'Consumer',
        level,
        label: '',
        log: { timestamp: 'x', logger: 'kafkajs', message, groupId: 'g1' },
      });

    log(logLevel.ERROR, 'crash');
    log(logLevel.WARN, 'rebalancing');
    log(logLevel.INFO, 'joined');
    log(logLevel.DEBUG, 'fetch');

    expect(calls.map((c) => [c.level, c.message])).toEqual([
      ['error', 'crash'],
      ['warn', 'rebalancing'],
      ['info', 'joined'],
      ['debug', 'fetch'],
    ]);
    // kafkajs' own timestamp/logger fields are dropped: pino stamps its own time.
    expect(calls[0].fields).toEqual({ groupId: 'g1', kafkajs: 'Consumer' });
  });

  it('accepts a pino logger as is', () => {
    const lines: string[] = [];
    const logger: KafkaLogger = pino(
      { level: 'info' },
      { write: (line: string) => lines.push(line) },
    );
    toLogCreator(logger)(logLevel.INFO)({
      namespace: 'Producer',
      level: logLevel.WARN,
      label: 'WARN',
      log: { timestamp: 'x', message: 'slow broker', broker: '127.0.0.1:29092' },
    });
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 40,
      msg: 'slow broker',
      broker: '127.0.0.1:29092',
      kafkajs: 'Producer',
    });
  });
});
