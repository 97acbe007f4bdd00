import { Inject, Injectable, Logger } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ecommerce/config';
import type { ReadinessCheck } from '@ecommerce/observability';
import { type ServiceConfig } from '../config';
import { CATALOG } from './catalog';
import { ProductsRepository } from './products.repository';

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
    private readonly products: ProductsRepository,
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
    const added = await this.products.addMissing(CATALOG);
    this.logger.log(`catalog seeded: ${added} of ${CATALOG.length} products added`);
  }
}
