import { randomUUID } from 'node:crypto';
import {
  admin,
  api,
  expectProblem,
  invalidFields,
  newCustomer,
  type TestUser,
} from '@ecommerce/testing/e2e';

const newProduct = (overrides: Record<string, unknown> = {}) => ({
  sku: `E2E-${randomUUID().slice(0, 8)}`,
  name: 'E2E mug',
  description: 'A mug made by a test',
  priceCents: 1250,
  currency: 'EUR',
  initialStock: 5,
  ...overrides,
});

describe('products', () => {
  let customer: TestUser;

  beforeAll(async () => {
    customer = await newCustomer('shopper');
  });

  it('GET /products is public and pages through a seeded catalog of at least 10', async () => {
    const res = await api().get('/api/v1/products?page=1&limit=100').expect(200);
    expect(res.body.pagination.total).toBeGreaterThanOrEqual(10);
    expect(res.body.data.length).toBeGreaterThanOrEqual(10);
    for (const product of res.body.data) {
      expect(Object.keys(product).sort()).toEqual(['available', 'currency', 'description', 'id', 'name', 'priceCents', 'sku']);
      expect(Number.isInteger(product.priceCents)).toBe(true);
    }
    const page = await api().get('/api/v1/products?page=2&limit=3').expect(200);
    expect(page.body.data).toHaveLength(3);
    expect(page.body.pagination).toMatchObject({ page: 2, limit: 3 });
  });

  it('GET /products defaults to page 1 of 10, and rejects bad paging', async () => {
    const res = await api().get('/api/v1/products').expect(200);
    expect(res.body.pagination).toMatchObject({ page: 1, limit: 10 });
    expect(invalidFields(await api().get('/api/v1/products?limit=0'))).toEqual(['limit']);
    expect(invalidFields(await api().get('/api/v1/products?limit=101&page=-1'))).toEqual(['page', 'limit']);
  });

  it('GET /products/:id → the product; 404 unknown; 400 not a UUID', async () => {
    const list = await api().get('/api/v1/products?limit=1').expect(200);
    const first = list.body.data[0];
    const res = await api().get(`/api/v1/products/${first.id}`).expect(200);
    expect(res.body).toEqual(first);
    expectProblem(await api().get(`/api/v1/products/${randomUUID()}`), 404);
    expect(invalidFields(await api().get('/api/v1/products/42'))).toEqual(['id']);
  });

  it('POST /products (admin) → 201 with Location; 409 for a taken sku', async () => {
    const body = newProduct();
    const res = await api().post('/api/v1/products').set(await admin()).send(body).expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      sku: body.sku,
      name: body.name,
      description: body.description,
      priceCents: 1250,
      currency: 'EUR',
      available: 5,
    });
    expect(res.headers['location']).toBe(`/api/v1/products/${res.body.id}`);
    await api().get(res.headers['location'] as string).expect(200);
    expectProblem(await api().post('/api/v1/products').set(await admin()).send(newProduct({ sku: body.sku })), 409);
  });

  it('POST /products without a description stores an empty one', async () => {
    const { description: _omitted, ...body } = newProduct();
    const res = await api().post('/api/v1/products').set(await admin()).send(body).expect(201);
    expect(res.body.description).toBe('');
  });

  it('POST /products: 401 anonymous, 403 customer', async () => {
    expectProblem(await api().post('/api/v1/products').send(newProduct()), 401);
    expectProblem(await api().post('/api/v1/products').set(customer.auth).send(newProduct()), 403);
  });

  it('POST /products validates every field', async () => {
    const post = async (overrides: Record<string, unknown>) =>
      invalidFields(await api().post('/api/v1/products').set(await admin()).send(newProduct(overrides)));
    expect(await post({ priceCents: -1 })).toEqual(['priceCents']);
    expect(await post({ priceCents: 12.5 })).toEqual(['priceCents']);
    expect(await post({ priceCents: '1250' })).toEqual(['priceCents']);
    expect(await post({ currency: 'EURO' })).toEqual(['currency']);
    expect(await post({ currency: 'ABC' })).toEqual(['currency']);
    expect(await post({ sku: '' })).toEqual(['sku']);
    expect(await post({ name: '' })).toEqual(['name']);
    expect(await post({ initialStock: -5 })).toEqual(['initialStock']);
    expect(await post({ initialStock: undefined, currency: undefined })).toEqual(['currency', 'initialStock']);
  });

  it('POST /products/:id/restock (admin) adds stock, 1..1,000,000 units', async () => {
    const created = await api().post('/api/v1/products').set(await admin()).send(newProduct()).expect(201);
    const res = await api().post(`/api/v1/products/${created.body.id}/restock`).set(await admin()).send({ quantity: 7 }).expect(200);
    expect(res.body).toMatchObject({ id: created.body.id, available: 12 });
    const restock = async (quantity: unknown) =>
      invalidFields(await api().post(`/api/v1/products/${created.body.id}/restock`).set(await admin()).send({ quantity }));
    expect(await restock(0)).toEqual(['quantity']);
    expect(await restock(1_000_001)).toEqual(['quantity']);
    expect(await restock('5')).toEqual(['quantity']);
    expectProblem(await api().post(`/api/v1/products/${randomUUID()}/restock`).set(await admin()).send({ quantity: 1 }), 404);
    expectProblem(await api().post(`/api/v1/products/${created.body.id}/restock`).set(customer.auth).send({ quantity: 1 }), 403);
  });
});
