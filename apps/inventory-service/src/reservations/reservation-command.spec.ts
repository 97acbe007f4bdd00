import { isPoisonMessageError } from '@ecommerce/messaging';
import { orderIdOf, parseReserve } from './reservation-command';

const ORDER = '0193a4c2-0000-7000-8000-000000000001';
const P = 'A1B2C3D4-0000-4000-8000-000000000001';

function poisonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isPoisonMessageError(error)) return error.message;
    throw error;
  }
  throw new Error('expected a PoisonMessageError');
}

describe('parseReserve', () => {
  it('keeps the lines, lower-casing UUID product ids (Postgres prints them so)', () => {
    expect(
      parseReserve({
        orderId: ORDER,
        items: [
          { productId: P, quantity: 2 },
          { productId: 'sku-like-id', quantity: 1 },
        ],
      }),
    ).toEqual({
      orderId: ORDER,
      lines: [
        { productId: P.toLowerCase(), quantity: 2 },
        { productId: 'sku-like-id', quantity: 1 },
      ],
    });
  });

  it('calls a command poison when no retry could make it work', () => {
    expect(poisonOf(() => parseReserve({ orderId: 'x', items: [] }))).toContain('not a UUID');
    expect(poisonOf(() => parseReserve({ orderId: ORDER, items: [] }))).toContain('without items');
    expect(
      poisonOf(() => parseReserve({ orderId: ORDER, items: [{ productId: P, quantity: 0 }] })),
    ).toContain('is not ≥ 1');
    expect(
      poisonOf(() =>
        parseReserve({
          orderId: ORDER,
          items: [
            { productId: P, quantity: 1 },
            { productId: P.toLowerCase(), quantity: 1 },
          ],
        }),
      ),
    ).toContain('appears twice');
  });
});

describe('orderIdOf', () => {
  it('accepts a UUID and refuses anything else as poison', () => {
    expect(orderIdOf({ orderId: ORDER })).toBe(ORDER);
    expect(poisonOf(() => orderIdOf({ orderId: '' }))).toContain('is not a UUID');
  });
});
