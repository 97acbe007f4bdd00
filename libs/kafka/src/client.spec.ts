import { createKafka, parseBrokers } from './client';

describe('parseBrokers', () => {
  it('accepts a list or the comma-separated KAFKA_BROKERS form', () => {
    expect(parseBrokers('127.0.0.1:29092, 10.0.0.2:9092')).toEqual([
      '127.0.0.1:29092',
      '10.0.0.2:9092',
    ]);
    expect(parseBrokers(['kafka:9092'])).toEqual(['kafka:9092']);
  });

  it('rejects empty lists, missing ports and localhost', () => {
    expect(() => parseBrokers(' , ')).toThrow(/empty list/);
    expect(() => parseBrokers('127.0.0.1')).toThrow(/not host:port/);
    expect(() => parseBrokers('localhost:29092')).toThrow(/use 127\.0\.0\.1/);
  });
});

describe('createKafka', () => {
  it('builds a client without connecting anywhere', () => {
    const ignore = (): void => undefined;
    const kafka = createKafka({
      clientId: 'spec',
      brokers: '127.0.0.1:1',
      logger: { error: ignore, warn: ignore, info: ignore, debug: ignore },
    });
    expect(typeof kafka.producer).toBe('function');
  });
});
