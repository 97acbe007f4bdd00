import { DomainError } from '@ecommerce/errors';
import { parseRequest } from '@ecommerce/validation';
import { CATALOG } from './catalog';
import {
  createProductSchema,
  listProductsSchema,
  productIdSchema,
  restockProductSchema,
} from './products.validation';

const valid = {
  sku: 'MUG-1',
  name: 'Mug',
  description: '',
  priceCents: 0,
  currency: 'EUR',
  initialStock: 0,
};

function fieldsOf(schema: Parameters<typeof parseRequest>[0], request: unknown): string[] {
  try {
    parseRequest(schema, request);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'VALIDATION_FAILED')
      return error.fields.map((f) => f.field);
    throw error;
  }
  throw new Error('expected VALIDATION_FAILED');
}

describe('createProductSchema', () => {
  it('accepts a free product without stock or description, storing no description', () => {
    expect(parseRequest(createProductSchema, valid)).toEqual({ ...valid, description: null });
  });

  it.each([
    ['sku', { sku: '' }],
    ['sku', { sku: 'A'.repeat(65) }],
    ['sku', { sku: 'with space' }],
    ['name', { name: ' ' }],
    ['name', { name: 'n'.repeat(201) }],
    ['priceCents', { priceCents: -1 }],
    ['priceCents', { priceCents: 1.5 }],
    ['priceCents', { priceCents: 2_147_483_648 }],
    ['currency', { currency: 'eur' }],
    ['currency', { currency: 'EURO' }],
    ['currency', { currency: '' }],
    ['initialStock', { initialStock: -1 }],
  ])('rejects a bad %s: %j', (field, change) => {
    expect(fieldsOf(createProductSchema, { ...valid, ...change })).toEqual([field]);
  });

  it('accepts every product of the demo catalog', () => {
    for (const product of CATALOG)
      expect(() => parseRequest(createProductSchema, product)).not.toThrow();
  });
});

describe('the other requests', () => {
  it('lower-cases ids, so they compare equal to what Postgres returns', () => {
    expect(parseRequest(productIdSchema, { id: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11' })).toEqual({
      id: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    });
    expect(fieldsOf(productIdSchema, { id: 'a0eebc99' })).toEqual(['id']);
  });

  it('takes gRPC’s 0 as the default page and page size, and caps the page size at 100', () => {
    expect(parseRequest(listProductsSchema, { page: 0, limit: 0 })).toEqual({ page: 1, limit: 10 });
    expect(parseRequest(listProductsSchema, { page: 3, limit: 100 })).toEqual({
      page: 3,
      limit: 100,
    });
    expect(fieldsOf(listProductsSchema, { page: -1, limit: 101 })).toEqual(['page', 'limit']);
  });

  it('restocks 1 to 1,000,000 units', () => {
    const id = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
    expect(parseRequest(restockProductSchema, { id, quantity: 1_000_000 })).toEqual({
      id,
      quantity: 1_000_000,
    });
    expect(fieldsOf(restockProductSchema, { id, quantity: 0 })).toEqual(['quantity']);
    expect(fieldsOf(restockProductSchema, { id, quantity: 1_000_001 })).toEqual(['quantity']);
  });
});
