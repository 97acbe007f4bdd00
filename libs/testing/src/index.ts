/**
 * Test support: what the unit, integration and e2e tests of every project share. Only tests,
 * jest setup files and tools may import it; the lint rules reject an import from production
 * code (eslint.config.mjs). The e2e client for the running platform is `@ecommerce/testing/e2e`.
 */
export * from './stack/processes';
export * from './stack/stack';
export * from './stack/stack-runner';
export * from './stack/service-key-files';
export * from './stack/backend-boot';
export * from './stack/committed-keys';
export * from './stack/redis-server';
export * from './stack/consumer-groups';
export * from './kafka/kafka-test-bus';
export * from './kafka/kafka-harness';
export * from './messaging/pg-database';
export * from './messaging/scratch-database';
export * from './mail/smtp-sink';
export * from './metrics/prometheus';
export * from './telemetry/otlp-receiver';
export * from './telemetry/record-spans';
export * from './telemetry/trace-context';
export * from './saga/saga-harness';
