import { type Kafka, type Producer, type ProducerBatch, type ProducerConfig, type ProducerRecord } from 'kafkajs';
import { createProducer } from './producer';

function fakeKafka() {
  const configs: ProducerConfig[] = [];
  const records: ProducerRecord[] = [];
  const batches: ProducerBatch[] = [];
  const producer = {
    connect: jest.fn(async () => undefined),
    disconnect: jest.fn(async () => undefined),
    send: jest.fn(async (record: ProducerRecord) => {
      records.push(record);
      return [];
    }),
    sendBatch: jest.fn(async (batch: ProducerBatch) => {
      batches.push(batch);
      return [];
    }),
  };
  const kafka: Pick<Kafka, 'producer'> = {
    producer: (config?: ProducerConfig) => {
      configs.push(config ?? {});
      return producer as unknown as Producer;
    },
  };
  return { kafka, configs, records, batches, producer };
}

describe('KafkaProducer', () => {
  it('is an idempotent producer with one request in flight and no topic auto-creation', () => {
    const { kafka, configs } = fakeKafka();
    createProducer(kafka);
    expect(configs[0]).toEqual({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
  });

  it('sends keyed messages with acks=-1 and string headers as bytes', async () => {
    const { kafka, records, producer } = fakeKafka();
    const p = createProducer(kafka);
    await p.connect();
    await p.send('order.events.v1', [
      { key: 'order-1', value: Buffer.from('{}'), headers: { ce_type: 'OrderConfirmed' } },
    ]);
    await p.disconnect();

    expect(records).toEqual([
      {
        topic: 'order.events.v1',
        acks: -1,
        messages: [
          {
            key: 'order-1',
            value: Buffer.from('{}'),
            headers: { ce_type: Buffer.from('OrderConfirmed') },
          },
        ],
      },
    ]);
    expect(producer.connect).toHaveBeenCalledTimes(1);
    expect(producer.disconnect).toHaveBeenCalledTimes(1);
  });

  it('sends several topics in one request, with acks=-1, each in the order given', async () => {
    const { kafka, batches, producer } = fakeKafka();
    const p = createProducer(kafka);
    await p.sendBatch([
      { topic: 'inventory.commands.v1', messages: [{ key: 'order-1', value: Buffer.from('a') }, { key: 'order-2', value: Buffer.from('b') }] },
      { topic: 'order.events.v1', messages: [{ key: 'order-1', value: Buffer.from('c'), headers: { ce_type: 'X' } }] },
    ]);
    expect(producer.send).not.toHaveBeenCalled();
    expect(batches).toEqual([
      {
        acks: -1,
        topicMessages: [
          {
            topic: 'inventory.commands.v1',
            messages: [
              { key: 'order-1', value: Buffer.from('a'), headers: {} },
              { key: 'order-2', value: Buffer.from('b'), headers: {} },
            ],
          },
          { topic: 'order.events.v1', messages: [{ key: 'order-1', value: Buffer.from('c'), headers: { ce_type: Buffer.from('X') } }] },
        ],
      },
    ]);
  });
});
