import { readFileSync } from 'node:fs';
import { KAFKA_PATHS, readKafkaInfraConfig } from './config';
import { parseProperties, renderServerProperties } from './server-properties';

describe('renderServerProperties', () => {
  const template = readFileSync(KAFKA_PATHS.propertiesTemplate, 'utf8');

  it('renders a single-node KRaft broker+controller on the configured loopback ports', () => {
    const config = readKafkaInfraConfig({ KAFKA_PORT: '39092', KAFKA_CONTROLLER_PORT: '39093' });
    const properties = parseProperties(renderServerProperties(template, config, '/tmp/kafka-data'));

    expect(Object.fromEntries(properties)).toMatchObject({
      'process.roles': 'broker,controller',
      'node.id': '1',
      'controller.quorum.voters': '1@127.0.0.1:39093',
      listeners: 'PLAINTEXT://127.0.0.1:39092,CONTROLLER://127.0.0.1:39093',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:39092',
      'controller.listener.names': 'CONTROLLER',
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      'log.dirs': '/tmp/kafka-data',
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'group.initial.rebalance.delay.ms': '0',
      'group.min.session.timeout.ms': '1000',
      'default.replication.factor': '1',
      'num.partitions': '3',
    });
    expect([...properties.values()].join('\n')).not.toContain('${');
  });

  it('fails on a placeholder it does not know', () => {
    expect(() => renderServerProperties('a=${NOPE}', readKafkaInfraConfig({}), '/d')).toThrow(
      /unknown placeholder \$\{NOPE\}/,
    );
  });
});
