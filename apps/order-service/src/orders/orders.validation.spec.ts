import { orderV1 } from '@ecommerce/contracts';
import { DomainError } from '@ecommerce/errors';
import { parseRequest } from '@ecommerce/validation';
import { createOrderSchema, listOrdersSchema, orderQuerySchema } from './orders.validation';

const USER = '5f0c1c9e-8d1a-4c1e-9a53-3d0a3f0f9b10';
const A = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
const B = 'b1eebc99-9c0b-4ef8-bb6d-6bb9bd380a22';
const C = 'c2eebc99-9c0b-4ef8-bb6d-6bb9bd380a33';
const request = {
  userId: USER,
  items: [{ productId: A, quantity: 1 }],
  paymentMethod: '',
  idempotencyKey: '',
};

function problems(schema: Parameters<typeof parseRequest>[0], input: unknown) {
  try {
    parseRequest(schema, input);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'VALIDATION_FAILED') return error.fields;
    throw error;
  }
  throw new Error('expected VALIDATION_FAILED');
}
const fieldsOf = (schema: Parameters<typeof parseRequest>[0], input: unknown) =>
  problems(schema, input).map((f) => f.field);

describe('createOrderSchema', () => {
  it('fills in the default payment method, no key, and lower-cases ids', () => {
    expect(
      parseRequest(createOrderSchema, {
        ...request,
        items: [{ productId: A.toUpperCase(), quantity: 100 }],
      }),
    ).toEqual({
      userId: USER,
      items: [{ productId: A, quantity: 100 }],
      paymentMethod: 'pm_card_visa',
      idempotencyKey: null,
    });
  });

  it('keeps a payment method and a key that are given', () => {
    const parsed = parseRequest(createOrderSchema, {
      ...request,
      paymentMethod: 'pm_card_chargeDeclined',
      idempotencyKey: 'k'.repeat(255),
    });
    expect(parsed).toMatchObject({
      paymentMethod: 'pm_card_chargeDeclined',
      idempotencyKey: 'k'.repeat(255),
    });
  });

  it('names the exact item field that is wrong', () => {
    const items = [
      { productId: A, quantity: 1 },
      { productId: 'nope', quantity: 1 },
      { productId: B, quantity: 0 },
      { productId: C, quantity: 101 },
    ];
    expect(fieldsOf(createOrderSchema, { ...request, items })).toEqual([
      'items[1].productId',
      'items[2].quantity',
      'items[3].quantity',
    ]);
  });

  it('refuses a product that appears twice, naming the repeat', () => {
    const items = [
      { productId: A, quantity: 1 },
      { productId: B, quantity: 1 },
      { productId: A.toUpperCase(), quantity: 2 },
    ];
    expect(problems(createOrderSchema, { ...request, items })).toEqual([
      { field: 'items[2].productId', message: 'appears in another item already' },
    ]);
  });

  it('needs 1 to 50 items', () => {
    expect(fieldsOf(createOrderSchema, { ...request, items: [] })).toEqual(['items']);
    const many = Array.from({ length: 51 }, (_, i) => ({
      productId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      quantity: 1,
    }));
    expect(fieldsOf(createOrderSchema, { ...request, items: many })).toEqual(['items']);
    expect(() =>
      parseRequest(createOrderSchema, { ...request, items: many.slice(0, 50) }),
    ).not.toThrow();
  });

  it('refuses a bad user id, payment method or key', () => {
    expect(fieldsOf(createOrderSchema, { ...request, userId: '' })).toEqual(['userId']);
    expect(fieldsOf(createOrderSchema, { ...request, paymentMethod: 'pm card' })).toEqual([
      'paymentMethod',
    ]);
    expect(fieldsOf(createOrderSchema, { ...request, idempotencyKey: 'k'.repeat(256) })).toEqual([
      'idempotencyKey',
    ]);
  });
});

describe('reads', () => {
  it('needs an order id and a caller that are UUIDs', () => {
    expect(
      fieldsOf(orderQuerySchema, { orderId: 'x', callerUserId: 'y', callerIsAdmin: false }),
    ).toEqual(['orderId', 'callerUserId']);
  });

  it('maps the status filter, UNSPECIFIED meaning every status', () => {
    const list = { callerUserId: USER, callerIsAdmin: false, page: 0, limit: 0 };
    expect(
      parseRequest(listOrdersSchema, { ...list, status: orderV1.OrderStatus.UNSPECIFIED }),
    ).toEqual({
      ...list,
      page: 1,
      limit: 10,
      status: undefined,
    });
    expect(
      parseRequest(listOrdersSchema, { ...list, status: orderV1.OrderStatus.CANCELLED }).status,
    ).toBe('CANCELLED');
    expect(fieldsOf(listOrdersSchema, { ...list, status: 'UNRECOGNIZED' })).toEqual(['status']);
    expect(fieldsOf(listOrdersSchema, { ...list, status: 'toString' })).toEqual(['status']);
    expect(
      fieldsOf(listOrdersSchema, { ...list, limit: 101, status: orderV1.OrderStatus.UNSPECIFIED }),
    ).toEqual(['limit']);
  });
});
