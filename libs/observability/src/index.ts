export * from './logger';
export * from './logging.module';
export * from './shutdown';
export * from './metrics';
export * from './readiness';
