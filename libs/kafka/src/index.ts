export { createKafka, parseBrokers, type CreateKafkaOptions } from './client';
export {
  CONSUMER_DEFAULTS,
  KafkaConsumer,
  createConsumer,
  nextOffset,
  type ConsumedMessage,
  type ConsumerOptions,
  type MessageHandler,
} from './consumer';
export { fromKafkaHeaders, readHeader, toKafkaHeaders } from './headers';
export { type KafkaLogger, toLogCreator } from './logger';
export {
  KafkaProducer,
  PRODUCER_DEFAULTS,
  createProducer,
  type OutgoingMessage,
  type ProducerOptions,
  type TopicMessages,
} from './producer';
export { ensureTopics, type EnsureTopicsResult, type TopicSpec } from './topics';
