/**
 * The e2e tests' client of the platform the global setup started (apps/gateway-e2e): the REST
 * API through supertest, the mail, logs, metrics and traces it produced, and the saga as a
 * client sees it. Importing it reads the running stack's state file, hence an entry of its own.
 */
export * from './api';
export * from './browser';
export * from './crash';
export * from './dead-letters';
export * from './gateways';
export * from './logs';
export * from './mail';
export * from './metrics';
export * from './saga';
export * from './trace-checks';
export * from './traces';
