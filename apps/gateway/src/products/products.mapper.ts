import type { inventoryV1 } from '@ecommerce/contracts';
import type { ProductResponse } from './products.schemas';

export function toProduct(product: inventoryV1.Product | undefined): ProductResponse {
  if (!product) throw new Error('inventory-service answered without a product');
  return {
    id: product.id,
    sku: product.sku,
    name: product.name,
    description: product.description,
    priceCents: product.priceCents,
    currency: product.currency,
    available: product.available,
  };
}
