import { Inject, Injectable, type OnApplicationShutdown, type Type } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { type BackendServiceConfig, SERVICE_CONFIG } from '@ecommerce/config';

/** What a service's generated `PrismaClient` has that the skeleton uses. */
export interface PrismaClientLike {
  $queryRawUnsafe(query: string, ...values: unknown[]): Promise<unknown>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
  $disconnect(): Promise<void>;
}

/** The generated client's constructor: Prisma 7 takes its driver adapter as an option. */
export type PrismaClientClass<C extends PrismaClientLike> = new (options: {
  adapter: PrismaPg;
}) => C;

/** What every service's database has beyond its generated client. */
export interface DatabaseLifecycle extends OnApplicationShutdown {
  /** Throws unless the database answers: a readiness check. */
  checkReady(): Promise<void>;
}

/**
 * A service's own database as a Nest provider: `class PrismaService extends
 * prismaDatabase(PrismaClient) {}`, where `PrismaClient` is the service's generated client, so
 * the service sees exactly its own tables and nothing of another service's.
 *
 * A mixin rather than a base class because each service has its own generated client class
 * (Prisma generates one per schema); what they share is how they connect and close.
 *
 * The pool is explicit: `DATABASE_POOL_SIZE` connections at most, each kept warm for
 * `DATABASE_POOL_IDLE_MS` (pg's default closes them after 10 s idle, so every burst paid for new
 * Postgres backends). It disconnects in the last shutdown hook, after messaging has stopped
 * (`beforeApplicationShutdown`), so a handler finishing its message still has its transaction.
 */
export function prismaDatabase<C extends PrismaClientLike>(
  Client: PrismaClientClass<C>,
): Type<C & DatabaseLifecycle> {
  const Base = Client as unknown as new (options: { adapter: PrismaPg }) => PrismaClientLike;

  @Injectable()
  class PrismaDatabase extends Base implements DatabaseLifecycle {
    constructor(@Inject(SERVICE_CONFIG) config: BackendServiceConfig) {
      super({
        adapter: new PrismaPg({
          connectionString: config.DATABASE_URL,
          max: config.DATABASE_POOL_SIZE,
          idleTimeoutMillis: config.DATABASE_POOL_IDLE_MS,
        }),
      });
    }

    async checkReady(): Promise<void> {
      await this.$queryRawUnsafe('SELECT 1');
    }

    async onApplicationShutdown(): Promise<void> {
      await this.$disconnect();
    }
  }
  return PrismaDatabase as unknown as Type<C & DatabaseLifecycle>;
}
