import type { inventoryV1 } from '@ecommerce/contracts';
import type { ProductRow } from './products.repository';

/** A catalog row and its stock row as the contract's Product. */
export function toProductMessage(product: ProductRow): inventoryV1.Product {
  const { stock } = product;
  // A restock changes only the stock row; the product as a whole changed then too.
  const updatedAt =
    stock && stock.updatedAt > product.updatedAt ? stock.updatedAt : product.updatedAt;
  return {
    id: product.id,
    sku: product.sku,
    name: product.name,
    description: product.description ?? '',
    priceCents: product.priceCents,
    currency: product.currency,
    // Every product is created together with its stock row; none means nothing to sell.
    available: stock?.available ?? 0,
    createdAt: product.createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
  };
}
