export * from './backend-boot';
export * from './processes';
export * from './stack';
