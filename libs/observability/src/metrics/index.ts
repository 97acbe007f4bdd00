export * from './registry';
export * from './metrics-server';
export * from './metrics.module';
export * from './grpc-metrics';
export * from './grpc-server-interceptor';
export * from './http-metrics';
