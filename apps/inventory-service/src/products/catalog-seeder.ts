import { Inject, Injectable, Logger } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ecommerce/config';
import type { ReadinessCheck } from '@ecommerce/observability';
import { type ServiceConfig } from '../config';
import { PrismaService } from '../database';
import { CATALOG } from './catalog';

/**
 * Puts the demo catalog in place: every catalog product whose sku is missing is added with
 * its stock; products that exist are left alone (their stock included). Safe to run by
 * several instances at once: a second insert of a sku waits for the first and skips it.
 */
@Injectable()
export class CatalogSeeder implements ReadinessCheck {
  private readonly logger = new Logger(CatalogSeeder.name);
  private done: Promise<void> | undefined;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  /**
   * Readiness, and the precondition of messaging's start: the catalog is in place. So the
   * service reports SERVING, and takes reservations, only once it can price and reserve, and
   * a database that is down at boot delays seeding instead of crashing the service.
   */
  checkReady(): Promise<void> {
    return this.ensureSeeded();
  }

  /** Seeds once per process; a failure (the database is down) is retried on the next call. */
  ensureSeeded(): Promise<void> {
    if (!this.config.SEED_CATALOG) {
      if (!this.done) {
        this.logger.log('catalog not seeded: SEED_CATALOG=false');
        this.done = Promise.resolve();
      }
      return this.done;
    }
    this.done ??= this.seed().catch((error: unknown) => {
      this.done = undefined;
      throw error;
    });
    return this.done;
  }

  private async seed(): Promise<void> {
    const skus = CATALOG.map((product) => product.sku);
    const stockBySku = new Map(CATALOG.map((product) => [product.sku, product.initialStock]));
    const added = await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.product.createMany({
        data: CATALOG.map(({ initialStock: _stock, ...product }) => product),
        skipDuplicates: true, // ON CONFLICT DO NOTHING
      });
      // Products are always created with their stock, so only the ones inserted just now lack it.
      const inserted = await tx.product.findMany({
        where: { sku: { in: skus }, stock: { is: null } },
      });
      await tx.stock.createMany({
        data: inserted.map((product) => ({
          productId: product.id,
          available: stockBySku.get(product.sku) ?? 0,
        })),
        skipDuplicates: true,
      });
      return count;
    });
    this.logger.log(`catalog seeded: ${added} of ${CATALOG.length} products added`);
  }
}
