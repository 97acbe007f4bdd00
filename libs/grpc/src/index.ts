export * from './health';
export * from './health-client';
export * from './loader-options';
export * from './server-options';
