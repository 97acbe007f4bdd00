export { afterCommit, withAfterCommit } from './after-commit';
export {
  DEFAULT_RETRY_POLICY,
  backoffDelay,
  backoffSchedule,
  retryPolicy,
  type RetryPolicy,
} from './backoff';
export type { SqlExecutor, TransactionRunner } from './database';
export { DLT_ERROR_MAX_LENGTH, DLT_HEADER, deadLetter, type DeadLetter } from './dead-letter';
export {
  DEAD_LETTER_STATUSES,
  DeadLetterStore,
  REPLAY_ALL_LIMIT,
  REPLAY_HEADER,
  deadLetterErrors,
  originalHeaders,
  recordDeadLetter,
  replayMessage,
  type DeadLetterErrorCode,
  type DeadLetterListQuery,
  type DeadLetterPage,
  type DeadLetterRecord,
  type DeadLetterStatus,
  type ReplayOutcome,
  type SqlQuerier,
} from './dead-letter-store';
export {
  CE_SPEC_VERSION,
  HEADER,
  PROTOBUF_CONTENT_TYPE,
  PoisonMessageError,
  envelopeHeaders,
  isPoisonMessageError,
  readEnvelope,
  type EnvelopeFields,
  type ReceivedEnvelope,
} from './envelope';
export { HandlerRegistry, type EventHandler, type InboundEvent } from './handler-registry';
export {
  InboxConsumer,
  createInboxHandler,
  type InboxConsumerOptions,
  type InboxHandlerDeps,
  type InboxOutcome,
} from './inbox-consumer';
export {
  partitionLag,
  readConsumerLag,
  type ConsumerGroupTopics,
  type PartitionLag,
} from './consumer-lag';
export {
  METRICS_READ_TIMEOUT_MS,
  messagingMetrics,
  timeBoxed,
  type MessagingMetrics,
  type MessagingMetricsSources,
} from './messaging-metrics';
export { Outbox, eventMessage, type OutboxMessage, type OutboxOptions } from './outbox';
export {
  OutboxRelay,
  RELAY_DEFAULTS,
  toKafkaBatches,
  type OutboxRelayHooks,
  type OutboxRelayOptions,
  type OutboxRow,
} from './outbox-relay';
export {
  ConsumerHandlers,
  DEFAULT_START_RETRY_MS,
  ServiceMessaging,
  type ServiceConsumerOptions,
  type ServiceMessagingOptions,
  type ServiceMessagingParts,
} from './service-messaging';
export {
  DEAD_LETTER_MIGRATION_EXTRAS_SQL,
  DEAD_LETTER_PRISMA_MODEL,
  DEAD_LETTER_TABLE_SQL,
  MESSAGING_MIGRATION_EXTRAS_SQL,
  MESSAGING_PRISMA_MODELS,
  MESSAGING_SCHEMA_SQL,
  MESSAGING_TABLES_SQL,
  OUTBOX_CHANNEL,
} from './schema';
export {
  activeTraceparent,
  consumeTraced,
  publishTraced,
  publishTracedBatch,
  withTraceparent,
} from './trace-context';
export { createUuidV7Generator, uuidv7 } from './uuid-v7';
export * from './nest/messaging.module';
export { DeadLettersGrpcController } from './nest/dead-letters.grpc-controller';
