import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { inventoryV1 } from '@ecommerce/contracts';
import { ResilientGrpcClient, ServiceTokens } from '@ecommerce/grpc';
import { MetricsRegistry } from '@ecommerce/observability';
import { SERVICE_CONFIG } from '@ecommerce/config';
import { SERVICE_NAME, type ServiceConfig } from '../config';
import { orderErrors } from './orders.errors';

/**
 * The catalog as the order service sees it: inventory-service over gRPC, each call with
 * order-service's service token, a deadline, retries (the read is idempotent), a circuit
 * breaker and a bulkhead. Any failure to get
 * an answer becomes INVENTORY_UNAVAILABLE, which the client sees as UNAVAILABLE (503):
 * an order is never priced from a guess.
 */
@Injectable()
export class CatalogClient implements OnModuleDestroy {
  private readonly logger = new Logger(CatalogClient.name);
  private readonly inventory: ResilientGrpcClient<inventoryV1.InventoryServiceClient>;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig, metrics: MetricsRegistry) {
    this.inventory = new ResilientGrpcClient('inventory', config.INVENTORY_SERVICE_URL, {
      credentials: new ServiceTokens(SERVICE_NAME, config.SERVICE_PRIVATE_KEY),
      metrics,
    });
  }

  /** The products among `ids` as they are now (price, currency), and the ids that match none. */
  async productsByIds(ids: string[]): Promise<inventoryV1.GetProductsByIdsResponse> {
    try {
      return await this.inventory.call('getProductsByIds', { ids }, { idempotent: true });
    } catch (error) {
      this.logger.warn(`inventory-service did not answer GetProductsByIds: ${describe(error)}`);
      throw orderErrors.create(
        'INVENTORY_UNAVAILABLE',
        'the catalog is unavailable right now; try again shortly',
      );
    }
  }

  onModuleDestroy(): void {
    this.inventory.close();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
