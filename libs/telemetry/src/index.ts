export * from './config';
export * from './sdk';
export * from './probes';
export * from './http-route';
