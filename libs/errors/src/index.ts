export * from './define-errors';
export * from './domain-error';
export * from './grpc-errors';
