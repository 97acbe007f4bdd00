import { PrismaClientKnownRequestError } from '@prisma/client/runtime/client';
import { DomainError } from '@ecommerce/errors';
import type { Tx } from '../database';
import type { ProductRow, ProductsRepository } from './products.repository';
import { ProductsService } from './products.service';
import { MAX_INT4 } from './products.validation';

const ID = '00000000-0000-4000-8000-00000000000a';
const tx = {} as Tx;

const row = (available: number): ProductRow => ({
  id: ID,
  sku: 'HOME-MUG-350',
  name: 'Mug',
  description: null,
  priceCents: 1290,
  currency: 'EUR',
  createdAt: new Date('2026-01-01T00:00:00.000Z'),
  updatedAt: new Date('2026-01-01T00:00:00.000Z'),
  stock: {
    productId: ID,
    available,
    reserved: 0,
    sold: 0,
    updatedAt: new Date('2026-01-02T00:00:00.000Z'),
  },
});

function serviceOn(repository: Partial<Record<keyof ProductsRepository, jest.Mock>>) {
  const transaction = jest.fn((fn: (tx: Tx) => Promise<unknown>) => fn(tx));
  return new ProductsService({ transaction, ...repository } as unknown as ProductsRepository);
}

const codeOf = (error: unknown) => (error instanceof DomainError ? error.code : error);

describe('ProductsService, on a fake repository', () => {
  it('answers a sku the unique index refused with SKU_TAKEN on the sku field', async () => {
    const taken = new PrismaClientKnownRequestError('Unique constraint failed', {
      code: 'P2002',
      clientVersion: 'test',
    });
    const service = serviceOn({ create: jest.fn().mockRejectedValue(taken) });
    const input = {
      sku: 'HOME-MUG-350',
      name: 'Mug',
      description: null,
      priceCents: 1290,
      currency: 'EUR',
      initialStock: 3,
    };

    const error = await service.create(input).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('SKU_TAKEN');
    expect(error).toMatchObject({ fields: [{ field: 'sku', message: 'is already taken' }] });
  });

  it('passes any other failure of create on unchanged', async () => {
    const down = new Error('connection refused');
    const service = serviceOn({ create: jest.fn().mockRejectedValue(down) });
    await expect(
      service.create({
        sku: 'X',
        name: 'X',
        description: null,
        priceCents: 1,
        currency: 'EUR',
        initialStock: 1,
      }),
    ).rejects.toBe(down);
  });

  it('restocks in one transaction and answers with what the restock left', async () => {
    const addStock = jest.fn().mockResolvedValue(true);
    const findById = jest.fn().mockResolvedValue(row(12));
    const service = serviceOn({ addStock, findById });

    await expect(service.restock({ id: ID, quantity: 2 })).resolves.toMatchObject({
      id: ID,
      available: 12,
      // The stock row changed last: the product as a whole changed then.
      updatedAt: '2026-01-02T00:00:00.000Z',
    });
    expect(addStock).toHaveBeenCalledWith(tx, ID, 2);
    expect(findById).toHaveBeenCalledWith(ID, tx);
  });

  it('refuses a restock past the column: STOCK_LIMIT_EXCEEDED; a missing product is NOT_FOUND first', async () => {
    const tooMuch = serviceOn({
      addStock: jest.fn().mockResolvedValue(false),
      findById: jest.fn().mockResolvedValue(row(MAX_INT4)),
    });
    expect(codeOf(await tooMuch.restock({ id: ID, quantity: 1 }).catch((e: unknown) => e))).toBe(
      'STOCK_LIMIT_EXCEEDED',
    );

    const missing = serviceOn({
      addStock: jest.fn().mockResolvedValue(false),
      findById: jest.fn().mockResolvedValue(null),
    });
    expect(codeOf(await missing.restock({ id: ID, quantity: 1 }).catch((e: unknown) => e))).toBe(
      'PRODUCT_NOT_FOUND',
    );
  });

  it('looks up only distinct UUIDs, lower-cased, and lists every requested id it did not find', async () => {
    const findByIds = jest.fn().mockResolvedValue([row(1)]);
    const service = serviceOn({ findByIds });
    const other = '00000000-0000-4000-8000-00000000000b';

    const answer = await service.getByIds([ID.toUpperCase(), ID, 'not-a-uuid', other]);
    expect(findByIds).toHaveBeenCalledWith([ID, other]);
    expect(answer.products.map((product) => product.id)).toEqual([ID]);
    expect(answer.missingIds).toEqual(['not-a-uuid', other]);
  });

  it('asks the database nothing when no id is a UUID', async () => {
    const findByIds = jest.fn();
    const service = serviceOn({ findByIds });
    await expect(service.getByIds(['a', 'b'])).resolves.toEqual({
      products: [],
      missingIds: ['a', 'b'],
    });
    expect(findByIds).not.toHaveBeenCalled();
  });

  it('counts the pages from the total', async () => {
    const service = serviceOn({
      page: jest.fn().mockResolvedValue({ products: [row(1)], total: 21 }),
    });
    await expect(service.list({ page: 3, limit: 10 })).resolves.toMatchObject({
      pagination: { page: 3, limit: 10, total: 21, pages: 3 },
    });
  });
});
