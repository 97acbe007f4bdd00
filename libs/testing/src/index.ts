export * from './backend-boot';
export * from './processes';
export * from './stack';
export * from './stack-runner';
export * from './kafka-test-bus';
export * from './smtp-sink';
export * from './otlp-receiver';
export * from './prometheus';
