export * from './config';
export * from './sdk';
