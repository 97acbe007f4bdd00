export * from './config';
export * from './sdk';
export * from './span-recorder';
