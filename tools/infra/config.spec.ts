import { brokerAddressOf, heapFlags, readKafkaInfraConfig } from './config';

describe('readKafkaInfraConfig', () => {
  it('defaults to 127.0.0.1:29092, controller 29093, 3 partitions, 256m..512m heap', () => {
    const config = readKafkaInfraConfig({});
    expect(config).toEqual({
      host: '127.0.0.1',
      port: 29092,
      controllerPort: 29093,
      heap: ['-Xms256m', '-Xmx512m'],
      partitions: 3,
    });
    expect(brokerAddressOf(config)).toBe('127.0.0.1:29092');
  });

  it('reads KAFKA_HOST, KAFKA_PORT, KAFKA_CONTROLLER_PORT, KAFKA_PARTITIONS and KAFKA_HEAP', () => {
    const config = readKafkaInfraConfig({
      KAFKA_HOST: '127.0.0.2',
      KAFKA_PORT: '39092',
      KAFKA_CONTROLLER_PORT: '39093',
      KAFKA_PARTITIONS: '6',
      KAFKA_HEAP: '1g',
    });
    expect(config).toEqual({
      host: '127.0.0.2',
      port: 39092,
      controllerPort: 39093,
      heap: ['-Xms256m', '-Xmx1g'],
      partitions: 6,
    });
  });

  it('refuses localhost, bad ports and a shared port, naming the variable', () => {
    expect(() => readKafkaInfraConfig({ KAFKA_HOST: 'localhost' })).toThrow(
      /KAFKA_HOST=localhost.*127\.0\.0\.1/,
    );
    expect(() => readKafkaInfraConfig({ KAFKA_PORT: 'abc' })).toThrow(/KAFKA_PORT/);
    expect(() => readKafkaInfraConfig({ KAFKA_CONTROLLER_PORT: '70000' })).toThrow(
      /KAFKA_CONTROLLER_PORT/,
    );
    expect(() => readKafkaInfraConfig({ KAFKA_PORT: '29093' })).toThrow(/must differ/);
    expect(() => readKafkaInfraConfig({ KAFKA_PARTITIONS: '0' })).toThrow(/KAFKA_PARTITIONS/);
  });
});

describe('heapFlags', () => {
  it('keeps the initial heap at 256m unless the maximum is smaller', () => {
    expect(heapFlags('768m')).toEqual(['-Xms256m', '-Xmx768m']);
    expect(heapFlags('192m')).toEqual(['-Xms192m', '-Xmx192m']);
  });

  it('rejects something the JVM would not take', () => {
    expect(() => heapFlags('lots')).toThrow(/KAFKA_HEAP/);
  });
});
