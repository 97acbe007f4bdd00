import type { ArgumentMetadata } from '@nestjs/common';
import { registerBody } from '../auth/auth.schemas';
import { paginationQuery } from '../common/pagination';
import { createOrderBody, idempotencyKeyHeader, listOrdersQuery } from '../orders/orders.schemas';
import { createProductBody, restockBody } from '../products/products.schemas';
import { ProblemException } from '../problem-details/problem-details';
import { ZodValidationPipe } from './validation';

const body: ArgumentMetadata = { type: 'body' };
const query: ArgumentMetadata = { type: 'query' };
const PRODUCT = '7d0c4a3e-8f57-4c1e-9a59-2f0d8f3c1b11';
const OTHER = '1f6e5d4c-3b2a-4c1d-8e9f-0a1b2c3d4e5f';

/** The `errors` of the 400 a request gets, or [] when it is valid. */
function errorsOf(pipe: ZodValidationPipe, value: unknown, metadata: ArgumentMetadata = body) {
  try {
    pipe.transform(value, metadata);
    return [];
  } catch (error) {
    if (!(error instanceof ProblemException)) throw error;
    expect(error.problem.status).toBe(400);
    return error.problem.errors ?? [];
  }
}
/** The fields named, each once (a field may break several rules). */
const fields = (pipe: ZodValidationPipe, value: unknown, metadata?: ArgumentMetadata) => [
  ...new Set(errorsOf(pipe, value, metadata).map((e) => e.field)),
];

describe('request validation', () => {
  const register = new ZodValidationPipe({ body: registerBody });
  const order = new ZodValidationPipe({ body: createOrderBody });
  const product = new ZodValidationPipe({ body: createProductBody });
  const restock = new ZodValidationPipe({ body: restockBody });

  it('register: an email, a password of 8..128 characters, a name of 1..100', () => {
    expect(fields(register, { email: 'ada@example.com', password: '12345678', name: 'Ada' })).toEqual([]);
    expect(fields(register, { email: 'not-an-email', password: '1234567', name: '' })).toEqual(['email', 'password', 'name']);
    expect(fields(register, { email: 'ada@example.com', password: 'x'.repeat(129), name: 'x'.repeat(101) })).toEqual([
      'password',
      'name',
    ]);
    expect(fields(register, { email: 'ada@example.com', password: '12345678', name: '   ' })).toEqual(['name']);
  });

  it('reports wrong JSON types per field, and a body that is not an object as `body`', () => {
    expect(errorsOf(register, { email: 42, password: true, name: ['Ada'] })).toEqual([
      { field: 'email', message: 'Invalid input: expected string, received number' },
      { field: 'password', message: 'Invalid input: expected string, received boolean' },
      { field: 'name', message: 'Invalid input: expected string, received array' },
    ]);
    expect(fields(register, undefined)).toEqual(['body']);
    expect(fields(register, [1, 2])).toEqual(['body']);
  });

  it('drops fields the schema does not name: a client-sent price, status or userId never gets through', () => {
    const parsed = order.transform(
      {
        items: [{ productId: PRODUCT, quantity: 2, unitPriceCents: 1 }],
        userId: OTHER,
        status: 'CONFIRMED',
        totalCents: 1,
      },
      body,
    );
    expect(parsed).toEqual({ items: [{ productId: PRODUCT, quantity: 2 }] });
  });

  it('orders: 1..50 lines, quantity 1..100, UUID product ids, each product once', () => {
    const line = (productId: string, quantity: number) => ({ productId, quantity });
    expect(fields(order, { items: [] })).toEqual(['items']);
    expect(fields(order, { items: Array.from({ length: 51 }, () => line(PRODUCT, 1)) })).toContain('items');
    expect(fields(order, { items: [line(PRODUCT, 0), line(OTHER, 101)] })).toEqual(['items[0].quantity', 'items[1].quantity']);
    expect(fields(order, { items: [line(PRODUCT, 1.5)] })).toEqual(['items[0].quantity']);
    expect(fields(order, { items: [line('42', 1)] })).toEqual(['items[0].productId']);
    expect(errorsOf(order, { items: [line(PRODUCT, 1), line(OTHER, 1), line(PRODUCT, 2)] })).toEqual([
      { field: 'items[2].productId', message: 'each productId may appear once' },
    ]);
    expect(fields(order, { items: [line(PRODUCT, 100)], paymentMethod: 'pm_card_visa' })).toEqual([]);
  });

  it('products: integer priceCents ≥ 0, an ISO 4217 currency, stock within bounds', () => {
    const valid = { sku: 'TEE-RED-M', name: 'Red tee', priceCents: 1999, currency: 'EUR', initialStock: 10 };
    expect(fields(product, valid)).toEqual([]);
    expect(fields(product, { ...valid, priceCents: -1 })).toEqual(['priceCents']);
    expect(fields(product, { ...valid, priceCents: 19.99 })).toEqual(['priceCents']);
    expect(fields(product, { ...valid, priceCents: '1999' })).toEqual(['priceCents']);
    expect(fields(product, { ...valid, currency: 'EURO' })).toEqual(['currency']);
    expect(fields(product, { ...valid, currency: 'XYZ' })).toEqual(['currency']);
    expect(fields(product, { ...valid, currency: 'eur' })).toEqual(['currency']);
    expect(fields(product, { ...valid, sku: '' })).toEqual(['sku']);
    expect(fields(product, { ...valid, initialStock: -1 })).toEqual(['initialStock']);
  });

  it('restock: 1..1,000,000 units', () => {
    expect(fields(restock, { quantity: 1 })).toEqual([]);
    expect(fields(restock, { quantity: 1_000_000 })).toEqual([]);
    expect(fields(restock, { quantity: 0 })).toEqual(['quantity']);
    expect(fields(restock, { quantity: 1_000_001 })).toEqual(['quantity']);
  });

  it('pagination: page ≥ 1, limit 1..100, defaults 1 and 10, from query strings', () => {
    const pages = new ZodValidationPipe({ query: paginationQuery });
    expect(pages.transform({}, query)).toEqual({ page: 1, limit: 10 });
    expect(pages.transform({ page: '3', limit: '100' }, query)).toEqual({ page: 3, limit: 100 });
    expect(fields(pages, { page: '0', limit: '101' }, query)).toEqual(['page', 'limit']);
    expect(fields(pages, { page: 'two', limit: '1.5' }, query)).toEqual(['page', 'limit']);
    const orders = new ZodValidationPipe({ query: listOrdersQuery });
    expect(orders.transform({ status: 'CANCELLED' }, query)).toEqual({ page: 1, limit: 10, status: 'CANCELLED' });
    expect(fields(orders, { status: 'ORDER_STATUS_CANCELLED' }, query)).toEqual(['status']);
  });

  it('Idempotency-Key: optional, 1..255 visible ASCII characters', () => {
    expect(idempotencyKeyHeader.safeParse(undefined).success).toBe(true);
    expect(idempotencyKeyHeader.safeParse('3f1c-key_1').success).toBe(true);
    expect(idempotencyKeyHeader.safeParse('').success).toBe(false);
    expect(idempotencyKeyHeader.safeParse('has space').success).toBe(false);
    expect(idempotencyKeyHeader.safeParse('k'.repeat(256)).success).toBe(false);
  });

  it('leaves parameters it has no schema for alone', () => {
    expect(register.transform('x', { type: 'custom' })).toBe('x');
    expect(register.transform('abc', { type: 'body', data: 'email' })).toBe('abc');
  });
});
