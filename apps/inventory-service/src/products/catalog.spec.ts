import { CATALOG } from './catalog';

describe('the demo catalog', () => {
  it('has at least 10 products with stock, unique skus and one currency', () => {
    expect(CATALOG.length).toBeGreaterThanOrEqual(10);
    expect(new Set(CATALOG.map((product) => product.sku)).size).toBe(CATALOG.length);
    expect(new Set(CATALOG.map((product) => product.currency))).toEqual(new Set(['EUR']));
    for (const product of CATALOG) {
      expect(product.initialStock).toBeGreaterThan(0);
      expect(product.priceCents).toBeGreaterThan(0);
    }
  });
});
