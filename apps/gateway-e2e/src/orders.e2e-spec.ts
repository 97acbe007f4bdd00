import { randomUUID } from 'node:crypto';
import {
  admin,
  api,
  expectProblem,
  invalidFields,
  newCustomer,
  products,
  type TestUser,
} from '@ecommerce/testing/e2e';

type Product = Awaited<ReturnType<typeof products>>[number];

describe('orders', () => {
  let ada: TestUser;
  let bob: TestUser;
  let catalog: Product[];

  beforeAll(async () => {
    [ada, bob, catalog] = await Promise.all([newCustomer('ada'), newCustomer('bob'), products(3)]);
  });

  const [first, second] = [() => catalog[0] as Product, () => catalog[1] as Product];
  const place = (user: TestUser, body: unknown, key?: string) => {
    const req = api().post('/api/v1/orders').set(user.auth);
    return (key ? req.set('Idempotency-Key', key) : req).send(body as object);
  };

  it('POST /orders → 202 PENDING with Location, priced from the catalog; client price, status, userId ignored', async () => {
    const res = await place(ada, {
      items: [
        { productId: first().id, quantity: 2, unitPriceCents: 1 },
        { productId: second().id, quantity: 1 },
      ],
      paymentMethod: 'pm_card_visa',
      userId: bob.id,
      status: 'CONFIRMED',
      totalCents: 1,
    });
    expect(res.status).toBe(202);
    expect(res.headers['location']).toBe(`/api/v1/orders/${res.body.id}`);
    expect(res.body).toEqual({
      id: expect.any(String),
      userId: ada.id,
      status: 'PENDING',
      items: expect.arrayContaining([
        { productId: first().id, quantity: 2, unitPriceCents: first().priceCents },
        { productId: second().id, quantity: 1, unitPriceCents: second().priceCents },
      ]),
      totalCents: 2 * first().priceCents + second().priceCents,
      currency: first().currency,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const fetched = await api().get(res.headers['location'] as string).set(ada.auth).expect(200);
    expect(fetched.body).toMatchObject({ id: res.body.id, userId: ada.id, totalCents: res.body.totalCents });
  });

  it('validates the order: 1..50 lines, quantity 1..100, UUIDs, unique products', async () => {
    const line = (productId: string, quantity: number) => ({ productId, quantity });
    expect(invalidFields(await place(ada, { items: [] }))).toEqual(['items']);
    expect(invalidFields(await place(ada, {}))).toEqual(['items']);
    expect(invalidFields(await place(ada, { items: Array.from({ length: 51 }, () => line(randomUUID(), 1)) }))).toEqual(['items']);
    expect(invalidFields(await place(ada, { items: [line(first().id, 0)] }))).toEqual(['items[0].quantity']);
    expect(invalidFields(await place(ada, { items: [line(first().id, 101)] }))).toEqual(['items[0].quantity']);
    expect(invalidFields(await place(ada, { items: [line(first().id, '2' as never)] }))).toEqual(['items[0].quantity']);
    expect(invalidFields(await place(ada, { items: [line('not-a-uuid', 1)] }))).toEqual(['items[0].productId']);
    expect(invalidFields(await place(ada, { items: [line(first().id, 1), line(first().id, 2)] }))).toEqual(['items[1].productId']);
    expect(invalidFields(await place(ada, { items: 'all of them' }))).toEqual(['items']);
  });

  it('400 for a product that does not exist', async () => {
    expectProblem(await place(ada, { items: [{ productId: randomUUID(), quantity: 1 }] }), 400);
  });

  it('400 for an Idempotency-Key that is not 1..255 visible characters', async () => {
    const res = await place(ada, { items: [{ productId: first().id, quantity: 1 }] }, 'k'.repeat(256));
    expect(invalidFields(res)).toEqual(['Idempotency-Key']);
  });

  it('413 for a body over 1 MiB', async () => {
    const res = await api()
      .post('/api/v1/orders')
      .set(ada.auth)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ items: [], padding: 'x'.repeat(1024 * 1024 + 1) }));
    expectProblem(res, 413);
  });

  it('401 without a token', async () => {
    expectProblem(await api().post('/api/v1/orders').send({ items: [{ productId: first().id, quantity: 1 }] }), 401);
  });

  describe('Idempotency-Key', () => {
    it('the same key and body → the same order, marked as replayed; no second order', async () => {
      const user = await newCustomer('idem');
      const key = randomUUID();
      const body = { items: [{ productId: first().id, quantity: 1 }] };
      const one = await place(user, body, key).expect(202);
      const two = await place(user, body, key).expect(202);
      expect(two.body.id).toBe(one.body.id);
      expect(two.headers['idempotent-replayed']).toBe('true');
      expect(one.headers['idempotent-replayed']).toBeUndefined();
      const list = await api().get('/api/v1/orders').set(user.auth).expect(200);
      expect(list.body.pagination.total).toBe(1);
    });

    it('the same key with another body → 422', async () => {
      const key = randomUUID();
      await place(ada, { items: [{ productId: first().id, quantity: 1 }] }, key).expect(202);
      expectProblem(await place(ada, { items: [{ productId: first().id, quantity: 2 }] }, key), 422);
    });

    it('is scoped to the user: another customer with the same key gets an order of their own', async () => {
      const key = randomUUID();
      const body = { items: [{ productId: first().id, quantity: 1 }] };
      const adas = await place(ada, body, key).expect(202);
      const bobs = await place(bob, body, key).expect(202);
      expect(bobs.body.id).not.toBe(adas.body.id);
      expect(bobs.body.userId).toBe(bob.id);
    });

    it('two simultaneous creates with one key → one order', async () => {
      const user = await newCustomer('idem-race');
      const key = randomUUID();
      const body = { items: [{ productId: second().id, quantity: 1 }] };
      const results = await Promise.all([place(user, body, key), place(user, body, key)]);
      expect(results.map((r) => r.status)).toEqual([202, 202]);
      expect(results[0]?.body.id).toBe(results[1]?.body.id);
      const list = await api().get('/api/v1/orders').set(user.auth).expect(200);
      expect(list.body.pagination.total).toBe(1);
    });
  });

  describe('reading orders', () => {
    let adasOrder: string;

    beforeAll(async () => {
      const res = await place(ada, { items: [{ productId: second().id, quantity: 3 }] }).expect(202);
      adasOrder = res.body.id;
    });

    it('GET /orders/:id: the owner and admins; 404 for another customer, like a missing order', async () => {
      await api().get(`/api/v1/orders/${adasOrder}`).set(ada.auth).expect(200);
      const asAdmin = await api().get(`/api/v1/orders/${adasOrder}`).set(await admin()).expect(200);
      expect(asAdmin.body.userId).toBe(ada.id);
      const missingId = randomUUID();
      const other = await api().get(`/api/v1/orders/${adasOrder}`).set(bob.auth);
      const missing = await api().get(`/api/v1/orders/${missingId}`).set(bob.auth);
      expectProblem(other, 404);
      expectProblem(missing, 404);
      // The same answer, but for the id asked about.
      expect(JSON.stringify(other.body).replaceAll(adasOrder, 'ID')).toBe(JSON.stringify(missing.body).replaceAll(missingId, 'ID'));
      expect(invalidFields(await api().get('/api/v1/orders/123').set(ada.auth))).toEqual(['id']);
    });

    it('GET /orders lists the caller’s own orders (admin: all), newest first, filterable by status', async () => {
      const mine = await api().get('/api/v1/orders?limit=100').set(ada.auth).expect(200);
      expect(mine.body.data.length).toBeGreaterThanOrEqual(2);
      expect(mine.body.data.every((o: { userId: string }) => o.userId === ada.id)).toBe(true);
      expect(mine.body.data.map((o: { id: string }) => o.id)).toContain(adasOrder);
      const bobs = await api().get('/api/v1/orders?limit=100').set(bob.auth).expect(200);
      expect(bobs.body.data.map((o: { id: string }) => o.id)).not.toContain(adasOrder);

      const all = await api().get('/api/v1/orders?limit=100').set(await admin()).expect(200);
      const owners = new Set(all.body.data.map((o: { userId: string }) => o.userId));
      expect(owners.size).toBeGreaterThan(1);

      const pending = await api().get('/api/v1/orders?status=PENDING&limit=100').set(ada.auth).expect(200);
      expect(pending.body.data.every((o: { status: string }) => o.status === 'PENDING')).toBe(true);
      const cancelled = await api().get('/api/v1/orders?status=CANCELLED&limit=100').set(ada.auth).expect(200);
      expect(cancelled.body.data.every((o: { status: string }) => o.status === 'CANCELLED')).toBe(true);
      expect(invalidFields(await api().get('/api/v1/orders?status=SHIPPED').set(ada.auth))).toEqual(['status']);
      expect(invalidFields(await api().get('/api/v1/orders?limit=101').set(ada.auth))).toEqual(['limit']);
    });

    it('GET /orders/:id/timeline starts with ORDER_CREATED; 404 for another customer', async () => {
      const res = await api().get(`/api/v1/orders/${adasOrder}/timeline`).set(ada.auth).expect(200);
      expect(res.body[0]).toMatchObject({ step: 'ORDER_CREATED', status: 'PENDING', at: expect.any(String) });
      for (const entry of res.body) expect(entry.step).toMatch(/^[A-Z_]+$/);
      await api().get(`/api/v1/orders/${adasOrder}/timeline`).set(await admin()).expect(200);
      expectProblem(await api().get(`/api/v1/orders/${adasOrder}/timeline`).set(bob.auth), 404);
    });

    it('GET /orders/:id/payment: 404 for another customer, and for a missing order', async () => {
      expectProblem(await api().get(`/api/v1/orders/${adasOrder}/payment`).set(bob.auth), 404);
      expectProblem(await api().get(`/api/v1/orders/${randomUUID()}/payment`).set(ada.auth), 404);
      const own = await api().get(`/api/v1/orders/${adasOrder}/payment`).set(ada.auth);
      // 404 while the saga has not charged yet, the payment once it has.
      if (own.status === 200) {
        expect(own.body).toMatchObject({ orderId: adasOrder, status: expect.stringMatching(/^(CAPTURED|DECLINED|FAILED|REFUNDED)$/) });
      } else {
        expectProblem(own, 404);
      }
    });

    it('POST /orders/:id/cancel → 202 with the order for its owner, then CANCELLED/CUSTOMER_REQUEST; 409 once cancelled', async () => {
      const placed = await place(ada, { items: [{ productId: first().id, quantity: 1 }] }).expect(202);
      const id = placed.body.id as string;
      expectProblem(await api().post(`/api/v1/orders/${id}/cancel`).set(bob.auth), 404);
      const accepted = await api().post(`/api/v1/orders/${id}/cancel`).set(ada.auth).expect(202);
      // Accepted: the refund and the stock return are asynchronous.
      expect(accepted.body).toMatchObject({ id, userId: ada.id, status: expect.stringMatching(/^(PENDING|CONFIRMED)$/) });
      let order = accepted.body as { status: string; cancellationReason?: string };
      for (const deadline = Date.now() + 30_000; order.status !== 'CANCELLED' && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        order = (await api().get(`/api/v1/orders/${id}`).set(ada.auth).expect(200)).body;
      }
      expect(order).toMatchObject({ status: 'CANCELLED', cancellationReason: 'CUSTOMER_REQUEST' });
      expectProblem(await api().post(`/api/v1/orders/${id}/cancel`).set(ada.auth), 409);
      expectProblem(await api().post(`/api/v1/orders/${id}/cancel`), 401);
      expect(invalidFields(await api().post('/api/v1/orders/nope/cancel').set(ada.auth))).toEqual(['id']);
    });
  });
});
