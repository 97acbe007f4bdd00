import { type DynamicModule, Module, type Type } from '@nestjs/common';

/** The token under which the service's database is also provided, for the shared modules. */
export const DATABASE = Symbol('DATABASE');

/**
 * Provides a service's database class (see `prismaDatabase`) to every module of the service,
 * and under {@link DATABASE} to the shared ones (messaging writes the inbox through it).
 */
@Module({})
export class DatabaseModule {
  static forRoot(database: Type): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [database, { provide: DATABASE, useExisting: database }],
      exports: [database, DATABASE],
    };
  }
}
