import { Injectable } from '@nestjs/common';
import type { commonV1, inventoryV1 } from '@ecommerce/contracts';
import { isUniqueViolation } from '@ecommerce/database';
import type { Paging } from '@ecommerce/validation';
import { isUuid } from '@ecommerce/validation';
import { toProductMessage } from './product.mapper';
import { productErrors } from './products.errors';
import { ProductsRepository } from './products.repository';
import { type CreateProductInput, MAX_INT4, type RestockInput } from './products.validation';

/**
 * The catalog and its stock levels. Stock is a row of its own per product with explicit
 * `available`, `reserved` and `sold` counts (CHECKed non-negative in the database), changed
 * only by single conditional UPDATEs, never read-modify-write: a restock adds in SQL, and a
 * reservation will move `available` to `reserved` only `WHERE available >= quantity`, so two
 * orders can never both take the last unit.
 */
@Injectable()
export class ProductsService {
  constructor(private readonly products: ProductsRepository) {}

  async create(input: CreateProductInput): Promise<inventoryV1.Product> {
    try {
      return toProductMessage(await this.products.create(input));
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw productErrors.create('SKU_TAKEN', `sku ${input.sku} is already taken`, [
          { field: 'sku', message: 'is already taken' },
        ]);
      }
      throw error;
    }
  }

  async get(id: string): Promise<inventoryV1.Product> {
    const product = await this.products.findById(id);
    if (!product) throw notFound(id);
    return toProductMessage(product);
  }

  async list({
    page,
    limit,
  }: Paging): Promise<{ data: inventoryV1.Product[]; pagination: commonV1.Pagination }> {
    const { products, total } = await this.products.page({ page, limit });
    return {
      data: products.map(toProductMessage),
      pagination: { page, limit, total, pages: Math.ceil(total / limit) },
    };
  }

  async restock({ id, quantity }: RestockInput): Promise<inventoryV1.Product> {
    return this.products.transaction(async (tx) => {
      const added = await this.products.addStock(tx, id, quantity);
      // The row lock taken by the UPDATE lasts until commit: this reads what this restock left.
      const product = await this.products.findById(id, tx);
      if (!product) throw notFound(id);
      if (!added) {
        throw productErrors.create(
          'STOCK_LIMIT_EXCEEDED',
          `restocking ${quantity} units would exceed the stock limit of ${MAX_INT4}`,
          [{ field: 'quantity', message: 'would take the stock past its limit' }],
        );
      }
      return toProductMessage(product);
    });
  }

  /** The products among `ids` that exist, and the ids that match none (never a NOT_FOUND). */
  async getByIds(ids: string[]): Promise<inventoryV1.GetProductsByIdsResponse> {
    const requested = [...new Set(ids)];
    const lookup = [...new Set(requested.filter((id) => isUuid(id)).map((id) => id.toLowerCase()))];
    const products = lookup.length ? await this.products.findByIds(lookup) : [];
    const found = new Set(products.map((product) => product.id));
    return {
      products: products.map(toProductMessage),
      missingIds: requested.filter((id) => !found.has(id.toLowerCase())),
    };
  }
}

function notFound(id: string) {
  return productErrors.create('PRODUCT_NOT_FOUND', `product ${id} does not exist`);
}
