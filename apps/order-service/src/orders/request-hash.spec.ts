import { requestHash } from './request-hash';

const A = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
const B = 'b1eebc99-9c0b-4ef8-bb6d-6bb9bd380a22';

describe('requestHash', () => {
  const base = {
    items: [
      { productId: A, quantity: 2 },
      { productId: B, quantity: 1 },
    ],
    paymentMethod: 'pm_card_visa',
  };

  it('is a SHA-256 in hex, the same for the same request', () => {
    expect(requestHash(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(requestHash(base)).toBe(requestHash(structuredClone(base)));
  });

  it('ignores the order of the lines, the case of the ids and the order of fields', () => {
    const reordered = {
      paymentMethod: 'pm_card_visa',
      items: [
        { quantity: 1, productId: B.toUpperCase() },
        { productId: A, quantity: 2 },
      ],
    };
    expect(requestHash(reordered)).toBe(requestHash(base));
  });

  it('differs when a quantity, a product or the payment method differs', () => {
    const hash = requestHash(base);
    expect(
      requestHash({
        ...base,
        items: [
          { productId: A, quantity: 3 },
          { productId: B, quantity: 1 },
        ],
      }),
    ).not.toBe(hash);
    expect(requestHash({ ...base, items: [{ productId: A, quantity: 2 }] })).not.toBe(hash);
    expect(requestHash({ ...base, paymentMethod: 'pm_card_chargeDeclined' })).not.toBe(hash);
  });

  it('cannot be fooled by moving quantities between products', () => {
    const swapped = {
      ...base,
      items: [
        { productId: A, quantity: 1 },
        { productId: B, quantity: 2 },
      ],
    };
    expect(requestHash(swapped)).not.toBe(requestHash(base));
  });
});
