import { checkAvailability } from './availability';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';

describe('checkAvailability', () => {
  const stock = [
    { productId: A, available: 5 },
    { productId: B, available: 1 },
  ];

  it('accepts lines that all fit, up to the last unit', () => {
    expect(
      checkAvailability(
        [
          { productId: A, quantity: 5 },
          { productId: B, quantity: 1 },
        ],
        stock,
      ),
    ).toEqual({ ok: true });
  });

  it('lists every short line with what was available', () => {
    expect(
      checkAvailability(
        [
          { productId: A, quantity: 6 },
          { productId: B, quantity: 1 },
        ],
        stock,
      ),
    ).toEqual({
      ok: false,
      reason: 'INSUFFICIENT_STOCK',
      unavailable: [{ productId: A, requested: 6, available: 5 }],
    });
  });

  it('reports an unknown product (0 available) before short stock', () => {
    expect(
      checkAvailability(
        [
          { productId: A, quantity: 9 },
          { productId: C, quantity: 1 },
          { productId: 'not-a-uuid', quantity: 2 },
        ],
        stock,
      ),
    ).toEqual({
      ok: false,
      reason: 'UNKNOWN_PRODUCT',
      unavailable: [
        { productId: A, requested: 9, available: 5 },
        { productId: C, requested: 1, available: 0 },
        { productId: 'not-a-uuid', requested: 2, available: 0 },
      ],
    });
  });
});
