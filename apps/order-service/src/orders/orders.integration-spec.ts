import { randomUUID } from 'node:crypto';
import { type ServiceError, status } from '@grpc/grpc-js';
import { type inventoryV1, orderV1 } from '@ecommerce/contracts';
import { errorCodeOf, fieldErrorsOf } from '@ecommerce/errors';
import { DEFAULT_RESILIENCE, ResilientGrpcClient } from '@ecommerce/grpc';
import { Client } from 'pg';
import {
  AppProcess,
  appEnv,
  type BackendName,
  databaseUrl,
  freePort,
  serviceCredentials,
  waitForServing,
} from '@ecommerce/testing';

/**
 * order-service and inventory-service as real processes on free ports, each with its own
 * database, talking real gRPC: what the gateway will see.
 */
type OrderClient = ResilientGrpcClient<orderV1.OrderServiceClient>;
type InventoryClient = ResilientGrpcClient<inventoryV1.InventoryServiceClient>;

// The tests' own clients never retry, so every failure they see is the service's answer.
const testClient = {
  credentials: serviceCredentials(),
  resilience: { ...DEFAULT_RESILIENCE, retries: 0, deadlineMs: 10_000 },
};

const apps: AppProcess[] = [];
let orders: OrderClient;
let inventory: InventoryClient;
let inventoryApp: AppProcess;

async function start(
  name: BackendName,
  ports: Partial<Record<BackendName, number>>,
): Promise<AppProcess> {
  const app = AppProcess.start(name, appEnv(name, { grpcPorts: ports, metricsPorts: { [name]: await freePort() } }));
  apps.push(app);
  await waitForServing(`127.0.0.1:${ports[name]}`, 30_000, app);
  return app;
}

/** The gRPC error a call failed with (fails the test if it succeeded). */
async function failure(call: Promise<unknown>): Promise<ServiceError> {
  const outcome = await call.then(
    (value) => ({ value }),
    (error: ServiceError) => ({ error }),
  );
  if (!('error' in outcome))
    throw new Error(`expected the call to fail, got ${JSON.stringify(outcome.value)}`);
  return outcome.error;
}

async function product(priceCents: number, currency = 'EUR'): Promise<inventoryV1.Product> {
  const { product } = await inventory.call('createProduct', {
    sku: `ORDER-IT-${randomUUID().slice(0, 13)}`,
    name: 'Order Test Product',
    description: '',
    priceCents,
    currency,
    initialStock: 50,
  });
  return product as inventoryV1.Product;
}

function createRequest(
  userId: string,
  items: orderV1.OrderLineRequest[],
  extra: Partial<orderV1.CreateOrderRequest> = {},
): orderV1.CreateOrderRequest {
  return { userId, items, paymentMethod: '', idempotencyKey: '', ...extra };
}

const asUser = (callerUserId: string) => ({ callerUserId, callerIsAdmin: false });

/** The order as stored, whatever its saga has done with it since (its status, so its updatedAt). */
const sameOrder = (order: orderV1.Order) => ({
  ...order,
  status: expect.any(String),
  updatedAt: expect.any(String),
});
const asAdmin = { callerUserId: randomUUID(), callerIsAdmin: true };

describe('order-service orders over gRPC', () => {
  let mug: inventoryV1.Product;
  let lamp: inventoryV1.Product;
  let dollarBook: inventoryV1.Product;

  beforeAll(async () => {
    const ports = { 'inventory-service': await freePort(), 'order-service': await freePort() };
    inventoryApp = await start('inventory-service', ports);
    await start('order-service', ports);
    inventory = new ResilientGrpcClient(
      'inventory',
      `127.0.0.1:${ports['inventory-service']}`,
      testClient,
    );
    orders = new ResilientGrpcClient('order', `127.0.0.1:${ports['order-service']}`, testClient);
    [mug, lamp, dollarBook] = await Promise.all([
      product(1_250),
      product(399),
      product(1_000, 'USD'),
    ]);
  });

  afterAll(async () => {
    orders?.close();
    inventory?.close();
    await Promise.all(apps.map((app) => app.stop()));
  });

  it('creates a PENDING order priced from the catalog, and its owner reads it back', async () => {
    const userId = randomUUID();
    const created = await orders.call(
      'createOrder',
      createRequest(userId, [
        { productId: mug.id, quantity: 2 },
        { productId: lamp.id, quantity: 1 },
      ]),
    );
    expect(created.replayed).toBe(false);
    const order = created.order as orderV1.Order;
    expect(order).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      userId,
      status: orderV1.OrderStatus.PENDING,
      cancellationReason: orderV1.CancellationReason.UNSPECIFIED,
      items: expect.arrayContaining([
        { productId: mug.id, quantity: 2, unitPriceCents: 1_250 },
        { productId: lamp.id, quantity: 1, unitPriceCents: 399 },
      ]),
      totalCents: 2 * 1_250 + 399,
      currency: 'EUR',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updatedAt: expect.any(String),
    });
    expect(order.items).toHaveLength(2);
    await expect(
      orders.call('getOrder', { orderId: order.id, ...asUser(userId) }),
    ).resolves.toEqual({ order: sameOrder(order) });
  });

  it('counts the orders in progress for admission control: GetOrderBacklog is the PENDING orders', async () => {
    // No payment-service runs here: an order placed now stays PENDING until its saga times out.
    await orders.call('createOrder', createRequest(randomUUID(), [{ productId: mug.id, quantity: 1 }]));
    const db = new Client({ connectionString: databaseUrl('order') });
    await db.connect();
    try {
      const pendingInDb = async () =>
        (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE status = 'PENDING'`)).rows[0]?.n ?? -1;
      // Earlier tests' sagas may end meanwhile: the answer lies between the counts before and after.
      const before = await pendingInDb();
      const { pendingOrders } = await orders.call('getOrderBacklog', {});
      const after = await pendingInDb();
      expect(pendingOrders).toBeGreaterThanOrEqual(Math.max(1, Math.min(before, after)));
      expect(pendingOrders).toBeLessThanOrEqual(Math.max(before, after));
    } finally {
      await db.end();
    }
  });

  it('records ORDER_CREATED as the first step of the timeline', async () => {
    const userId = randomUUID();
    const { order } = await orders.call(
      'createOrder',
      createRequest(userId, [{ productId: mug.id, quantity: 1 }]),
    );
    const { entries } = await orders.call('getOrderTimeline', {
      orderId: order?.id ?? '',
      ...asUser(userId),
    });
    // The saga's next steps may follow at any moment (saga.integration-spec.ts covers them).
    expect(entries[0]).toEqual({
      step: orderV1.TimelineStep.ORDER_CREATED,
      status: orderV1.OrderStatus.PENDING,
      at: expect.stringMatching(/Z$/),
      detail: '',
    });
  });

  it('refuses an unknown product with INVALID_ARGUMENT naming the item, and stores nothing', async () => {
    const userId = randomUUID();
    const error = await failure(
      orders.call(
        'createOrder',
        createRequest(userId, [
          { productId: mug.id, quantity: 1 },
          { productId: randomUUID(), quantity: 1 },
        ]),
      ),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(errorCodeOf(error)).toBe('UNKNOWN_PRODUCT');
    expect(fieldErrorsOf(error)).toEqual([
      { field: 'items[1].productId', message: 'no such product' },
    ]);
    const { pagination } = await orders.call('listOrders', {
      ...asUser(userId),
      page: 1,
      limit: 10,
      status: orderV1.OrderStatus.UNSPECIFIED,
    });
    expect(pagination?.total).toBe(0);
  });

  it('refuses invalid requests with INVALID_ARGUMENT and field errors', async () => {
    const userId = randomUUID();
    const cases: [orderV1.OrderLineRequest[], string][] = [
      [[], 'items'],
      [[{ productId: mug.id, quantity: 101 }], 'items[0].quantity'],
      [[{ productId: mug.id, quantity: 0 }], 'items[0].quantity'],
      [[{ productId: 'mug', quantity: 1 }], 'items[0].productId'],
      [
        [
          { productId: mug.id, quantity: 1 },
          { productId: mug.id, quantity: 2 },
        ],
        'items[1].productId',
      ],
      [Array.from({ length: 51 }, () => ({ productId: randomUUID(), quantity: 1 })), 'items'],
    ];
    for (const [items, field] of cases) {
      const error = await failure(orders.call('createOrder', createRequest(userId, items)));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(fieldErrorsOf(error).map((problem) => problem.field)).toEqual([field]);
    }
  });

  it('refuses products priced in different currencies', async () => {
    const error = await failure(
      orders.call(
        'createOrder',
        createRequest(randomUUID(), [
          { productId: mug.id, quantity: 1 },
          { productId: dollarBook.id, quantity: 1 },
        ]),
      ),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(errorCodeOf(error)).toBe('CURRENCY_MISMATCH');
  });

  describe('with an Idempotency-Key', () => {
    it('answers a repeat of the same request with the same order, whatever the line order', async () => {
      const userId = randomUUID();
      const idempotencyKey = randomUUID();
      const first = await orders.call(
        'createOrder',
        createRequest(
          userId,
          [
            { productId: mug.id, quantity: 1 },
            { productId: lamp.id, quantity: 3 },
          ],
          { idempotencyKey },
        ),
      );
      const again = await orders.call(
        'createOrder',
        createRequest(
          userId,
          [
            { productId: lamp.id, quantity: 3 },
            { productId: mug.id, quantity: 1 },
          ],
          // The default payment method, spelled out: the same request.
          { idempotencyKey, paymentMethod: 'pm_card_visa' },
        ),
      );
      expect(first.replayed).toBe(false);
      expect(again).toEqual({ order: sameOrder(first.order as orderV1.Order), replayed: true });
      const list = await orders.call('listOrders', {
        ...asUser(userId),
        page: 1,
        limit: 10,
        status: orderV1.OrderStatus.UNSPECIFIED,
      });
      expect(list.data.map((order) => order.id)).toEqual([first.order?.id]);
    });

    it('refuses the same key with a different request (IDEMPOTENCY_KEY_REUSED)', async () => {
      const userId = randomUUID();
      const idempotencyKey = `key-${randomUUID()}`;
      await orders.call(
        'createOrder',
        createRequest(userId, [{ productId: mug.id, quantity: 1 }], { idempotencyKey }),
      );
      for (const different of [
        createRequest(userId, [{ productId: mug.id, quantity: 2 }], { idempotencyKey }),
        createRequest(userId, [{ productId: mug.id, quantity: 1 }], {
          idempotencyKey,
          paymentMethod: 'pm_card_chargeDeclined',
        }),
      ]) {
        const error = await failure(orders.call('createOrder', different));
        expect(error.code).toBe(status.FAILED_PRECONDITION);
        expect(errorCodeOf(error)).toBe('IDEMPOTENCY_KEY_REUSED');
      }
    });

    it('scopes keys per user: another user with the same key gets an order of their own', async () => {
      const idempotencyKey = randomUUID();
      const items = [{ productId: mug.id, quantity: 1 }];
      const a = await orders.call(
        'createOrder',
        createRequest(randomUUID(), items, { idempotencyKey }),
      );
      const b = await orders.call(
        'createOrder',
        createRequest(randomUUID(), items, { idempotencyKey }),
      );
      expect(b.replayed).toBe(false);
      expect(b.order?.id).not.toBe(a.order?.id);
    });

    it('makes exactly one order of 10 concurrent requests, and all 10 callers get it', async () => {
      const userId = randomUUID();
      const request = createRequest(userId, [{ productId: lamp.id, quantity: 2 }], {
        idempotencyKey: randomUUID(),
      });
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => orders.call('createOrder', request)),
      );
      const ids = new Set(responses.map((response) => response.order?.id));
      expect(ids.size).toBe(1);
      expect(responses.filter((response) => !response.replayed)).toHaveLength(1);
      const list = await orders.call('listOrders', {
        ...asUser(userId),
        page: 1,
        limit: 100,
        status: orderV1.OrderStatus.UNSPECIFIED,
      });
      expect(list.pagination?.total).toBe(1);
    });
  });

  describe('ownership', () => {
    let owner: string;
    let order: orderV1.Order;

    beforeAll(async () => {
      owner = randomUUID();
      ({ order } = (await orders.call(
        'createOrder',
        createRequest(owner, [{ productId: mug.id, quantity: 1 }]),
      )) as {
        order: orderV1.Order;
      });
    });

    it('hides an order from anyone but its owner and admins, exactly like a missing one', async () => {
      const stranger = asUser(randomUUID());
      for (const call of [
        orders.call('getOrder', { orderId: order.id, ...stranger }),
        orders.call('getOrderTimeline', { orderId: order.id, ...stranger }),
        orders.call('getOrder', { orderId: randomUUID(), ...asUser(owner) }),
      ]) {
        const error = await failure(call);
        expect(error.code).toBe(status.NOT_FOUND);
        expect(errorCodeOf(error)).toBe('ORDER_NOT_FOUND');
      }
      await expect(orders.call('getOrder', { orderId: order.id, ...asAdmin })).resolves.toEqual({
        order: sameOrder(order),
      });
      const { entries } = await orders.call('getOrderTimeline', { orderId: order.id, ...asAdmin });
      expect(entries[0]?.step).toBe(orderV1.TimelineStep.ORDER_CREATED);
    });

    it('lists the caller’s own orders newest first, an admin’s list holds everyone’s', async () => {
      const user = randomUUID();
      const placed: string[] = [];
      for (const quantity of [1, 2, 3]) {
        const { order: next } = await orders.call(
          'createOrder',
          createRequest(user, [{ productId: lamp.id, quantity }]),
        );
        placed.push(next?.id ?? '');
      }
      const page1 = await orders.call('listOrders', {
        ...asUser(user),
        page: 1,
        limit: 2,
        status: orderV1.OrderStatus.UNSPECIFIED,
      });
      const page2 = await orders.call('listOrders', {
        ...asUser(user),
        page: 2,
        limit: 2,
        status: orderV1.OrderStatus.UNSPECIFIED,
      });
      expect([...page1.data, ...page2.data].map((o) => o.id)).toEqual([...placed].reverse());
      expect(page1.pagination).toEqual({ page: 1, limit: 2, total: 3, pages: 2 });
      expect(page1.data.every((o) => o.userId === user)).toBe(true);

      // Each status filter returns only orders of that status, and together they hold all
      // three (their sagas may have moved some on by now).
      let filtered = 0;
      for (const wanted of [
        orderV1.OrderStatus.PENDING,
        orderV1.OrderStatus.CONFIRMED,
        orderV1.OrderStatus.CANCELLED,
      ]) {
        const { data, pagination } = await orders.call('listOrders', {
          ...asUser(user),
          page: 1,
          limit: 10,
          status: wanted,
        });
        expect(data.every((o) => o.status === wanted)).toBe(true);
        filtered += pagination?.total ?? 0;
      }
      expect(filtered).toBe(3);

      const all = await orders.call('listOrders', {
        ...asAdmin,
        page: 1,
        limit: 100,
        status: orderV1.OrderStatus.UNSPECIFIED,
      });
      expect(all.pagination?.total).toBeGreaterThanOrEqual(4);
      const owners = new Set(all.data.map((o) => o.userId));
      expect(owners.has(user)).toBe(true);
      expect(owners.size).toBeGreaterThan(1);
    });

    it('accepts CancelOrder from the owner (the order is not CANCELLED before its compensations), NOT_FOUND for anyone else', async () => {
      const stranger = await failure(
        orders.call('cancelOrder', { orderId: order.id, ...asUser(randomUUID()) }),
      );
      expect(stranger.code).toBe(status.NOT_FOUND);
      expect(errorCodeOf(stranger)).toBe('ORDER_NOT_FOUND');
      const { order: accepted } = await orders.call('cancelOrder', {
        orderId: order.id,
        ...asUser(owner),
      });
      expect(accepted?.id).toBe(order.id);
      // PENDING, or CONFIRMED if a payment-service answered meanwhile: never CANCELLED yet.
      expect([orderV1.OrderStatus.PENDING, orderV1.OrderStatus.CONFIRMED]).toContain(
        accepted?.status,
      );
      const { entries } = await orders.call('getOrderTimeline', {
        orderId: order.id,
        ...asUser(owner),
      });
      expect(entries.map((entry) => entry.step)).toContain(
        orderV1.TimelineStep.CANCELLATION_REQUESTED,
      );
    });
  });

  // Last: it stops inventory-service.
  it('answers UNAVAILABLE within a few seconds while inventory-service is down, and replays still work', async () => {
    const userId = randomUUID();
    const idempotencyKey = randomUUID();
    const items = [{ productId: mug.id, quantity: 1 }];
    const { order } = await orders.call(
      'createOrder',
      createRequest(userId, items, { idempotencyKey }),
    );
    await inventoryApp.stop();

    const started = Date.now();
    const error = await failure(orders.call('createOrder', createRequest(userId, items)));
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(errorCodeOf(error)).toBe('INVENTORY_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(5_000);

    await expect(
      orders.call('createOrder', createRequest(userId, items, { idempotencyKey })),
    ).resolves.toEqual({
      order: sameOrder(order as orderV1.Order),
      replayed: true,
    });
  });
});
