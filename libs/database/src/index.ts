export * from './database.module';
export * from './prisma-database';
export * from './prisma-errors';
export * from './same-type';
