import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { type Prisma, PrismaClient } from '../generated/prisma/client';
import { SERVICE_CONFIG, type ServiceConfig } from '../config';

/** The client a use case gets inside `prisma.$transaction(async (tx) => ...)`. */
export type PrismaTx = Prisma.TransactionClient;

/** This service's own database (and no other: the generated client knows only its tables). */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig) {
    // An explicit pool: sized per process, its connections kept warm between bursts (pg's
    // default closes them after 10 s idle, so every burst paid for new Postgres backends).
    super({
      adapter: new PrismaPg({
        connectionString: config.DATABASE_URL,
        max: config.DATABASE_POOL_SIZE,
        idleTimeoutMillis: config.DATABASE_POOL_IDLE_MS,
      }),
    });
  }

  /** Throws unless the database answers; the readiness probe behind gRPC health. */
  async ping(): Promise<void> {
    await this.$queryRaw`SELECT 1`;
  }

  // The last shutdown hook: the outbox relay stops before it (beforeApplicationShutdown).
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
