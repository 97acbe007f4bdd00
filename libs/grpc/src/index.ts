export * from './health';
export * from './health-client';
export * from './server-options';
export * from './bootstrap';
export * from './client';
export * from './service-tokens';
export * from './service-auth-interceptor';
export * from './channel';
