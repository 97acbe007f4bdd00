import { Injectable } from '@nestjs/common';
import type { Paging } from '@ecommerce/validation';
import { PrismaService, type Tx } from '../database';
import type { Product, Stock } from '../generated/prisma/client';
import { type CreateProductInput, MAX_INT4 } from './products.validation';

/** A catalog row with its stock row (every product has one; none reads as nothing to sell). */
export type ProductRow = Product & { stock: Stock | null };

const withStock = { stock: true } as const;

/**
 * The catalog (`products`) and its stock levels (`stock`). Stock is changed only by single
 * conditional UPDATEs, never read-modify-write: a restock adds in SQL, so concurrent restocks
 * all count.
 */
@Injectable()
export class ProductsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<R>(fn: (tx: Tx) => Promise<R>): Promise<R> {
    return this.prisma.$transaction(fn);
  }

  /** A nested create: the product and its stock row are inserted in one transaction. */
  create({ initialStock, ...product }: CreateProductInput): Promise<ProductRow> {
    return this.prisma.product.create({
      data: { ...product, stock: { create: { available: initialStock } } },
      include: withStock,
    });
  }

  findById(id: string, tx: Tx = this.prisma): Promise<ProductRow | null> {
    return tx.product.findUnique({ where: { id }, include: withStock });
  }

  /** The products among `ids` (UUIDs only) that exist. */
  findByIds(ids: string[]): Promise<ProductRow[]> {
    return this.prisma.product.findMany({ where: { id: { in: ids } }, include: withStock });
  }

  /** One page, oldest first, and the number of products, read in one transaction. */
  async page({ page, limit }: Paging): Promise<{ products: ProductRow[]; total: number }> {
    const [total, products] = await this.prisma.$transaction([
      this.prisma.product.count(),
      this.prisma.product.findMany({
        // Oldest first, ties broken by id: a product never moves between pages.
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        skip: (page - 1) * limit,
        take: limit,
        include: withStock,
      }),
    ]);
    return { products, total };
  }

  /**
   * `available = available + quantity` in SQL: concurrent restocks all count. The guard keeps
   * the sum inside the INTEGER column instead of failing with an overflow. The UPDATE's row lock
   * lasts until the transaction ends. False when nothing was added: no such product, or the sum
   * would not fit.
   */
  async addStock(tx: Tx, productId: string, quantity: number): Promise<boolean> {
    const { count } = await tx.stock.updateMany({
      where: { productId, available: { lte: MAX_INT4 - quantity } },
      data: { available: { increment: quantity } },
    });
    return count > 0;
  }

  /**
   * Adds every catalog product whose sku is missing, with its stock; products that exist are
   * left alone (their stock included). Safe to run by several instances at once: a second
   * insert of a sku waits for the first and skips it. Returns how many products were added.
   */
  async addMissing(catalog: readonly CreateProductInput[]): Promise<number> {
    const skus = catalog.map((product) => product.sku);
    const stockBySku = new Map(catalog.map((product) => [product.sku, product.initialStock]));
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.product.createMany({
        data: catalog.map(({ initialStock: _stock, ...product }) => product),
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
  }
}
