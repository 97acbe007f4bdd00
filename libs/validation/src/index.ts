export * from './parse-request';
export * from './schemas';
