export {
  brokerAddress,
  down,
  kafkaBrokerAddress,
  kafkaDown,
  kafkaStatus,
  kafkaUp,
  status,
  up,
  type InfraOptions,
  type KafkaStatus,
  type KafkaUpResult,
} from './kafka';
