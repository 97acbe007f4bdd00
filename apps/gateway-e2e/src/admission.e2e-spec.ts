import request from 'supertest';
import {
  expectProblem,
  ExtraGateways,
  newCustomer,
  products,
  type TestUser,
} from '@ecommerce/testing/e2e';

/** Gateways of this test's own, beside the suite's, with their own ORDER_BACKLOG_LIMIT. */
const gateways = new ExtraGateways();
const startGateway = (overrides: Record<string, string>) => gateways.start(overrides);

afterAll(async () => {
  await gateways.stopAll();
});

describe('admission control on POST /orders (ORDER_BACKLOG_LIMIT)', () => {
  let ada: TestUser;
  let productId: string;

  beforeAll(async () => {
    ada = await newCustomer('admitted');
    productId = ((await products(1))[0] as { id: string }).id;
  });

  const ordersOf = async (url: string) =>
    (await request(url).get('/api/v1/orders?limit=100').set(ada.auth).expect(200)).body.data as unknown[];

  it('past the bound: 503 problem+json with Retry-After at once, and no order placed', async () => {
    const url = await startGateway({ ORDER_BACKLOG_LIMIT: '0' });
    const before = await ordersOf(url);
    const res = await request(url).post('/api/v1/orders').set(ada.auth).send({ items: [{ productId, quantity: 1 }] });
    expect(expectProblem(res, 503).detail).toMatch(/Too many orders in progress/);
    expect(res.headers['retry-after']).toBe('1');
    expect(await ordersOf(url)).toHaveLength(before.length);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^orders_refused_total\{service="gateway"\} 1$/m);
  });

  it('under the bound: the backlog read from order-service lets the order in', async () => {
    const url = await startGateway({ ORDER_BACKLOG_LIMIT: '100000' });
    const res = await request(url).post('/api/v1/orders').set(ada.auth).send({ items: [{ productId, quantity: 1 }] });
    expect(res.status).toBe(202);
    // The backlog came from order-service, not from a failed read that let the order through.
    expect(gateways.last?.logs).not.toContain('order backlog unknown');
  });
});
