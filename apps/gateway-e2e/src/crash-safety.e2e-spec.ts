import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { EVENTS } from '@ecommerce/contracts';
import { RELAY_DEFAULTS } from '@ecommerce/messaging';
import { type BackendName, waitFor } from '@ecommerce/testing';
import {
  api,
  available,
  getPayment,
  newCustomer,
  newProduct,
  notificationsFor,
  type Order,
  type Product,
  stack,
  StockWatch,
  type TestUser,
  timelineSteps,
  waitForNotifications,
  waitForTerminal,
} from '@ecommerce/testing/e2e';

/**
 * Invariants of shared/API.md under crashes: a service is SIGKILLed (no shutdown hook runs, its
 * in-flight transactions roll back, its Kafka offsets and outbox batch stay as they were) in the
 * middle of a burst of orders, then started again. Every order must still end CONFIRMED or
 * CANCELLED, with stock = initial − confirmed quantities (never negative on the way), at most
 * one CAPTURED payment per order and none for a cancelled one, and one notification each.
 *
 * How long a round takes is mostly Kafka's: the killed consumer never leaves its group, so the
 * restarted one gets its partitions once the dead member's session times out (30 s), and sagas
 * waiting that long may be cancelled by the deadline sweeper (SAGA_TIMEOUT_MS, 30 s). Both are
 * allowed outcomes; a stuck, double-charged or stock-leaking order is not.
 */

const METHODS = [
  'pm_card_visa',
  'pm_card_visa',
  'pm_card_chargeDeclined',
  'pm_card_visa',
  'pm_card_processingError',
  'pm_card_chargeDeclinedInsufficientFunds',
] as const;
const BURST = 15;
const INITIAL_STOCK = 100;
/** Generous: a rebalance after the crash (~30 s), then at worst a saga timeout (30 s) and its compensation. */
const SETTLE_MS = 150_000;
/** A restart (up to a minute when the machine is slow), placing the rest, settling. */
const ROUND_TIMEOUT_MS = 300_000;

interface Attempt {
  key: string;
  method: (typeof METHODS)[number];
  quantity: number;
  order?: Order;
}

/** POST /orders with an Idempotency-Key; the order on 202, undefined on anything else (a backend is down). */
async function tryPlace(
  user: TestUser,
  product: Product,
  attempt: Attempt,
): Promise<Order | undefined> {
  const res = await api()
    .post('/api/v1/orders')
    .set(user.auth)
    .set('Idempotency-Key', attempt.key)
    .send({
      items: [{ productId: product.id, quantity: attempt.quantity }],
      paymentMethod: attempt.method,
    })
    .catch(() => undefined);
  return res?.status === 202 ? (res.body as Order) : undefined;
}

/**
 * Places `BURST` orders, one every 150 ms without waiting for the answers, and runs `crash`
 * after the seventh: the earlier orders are then somewhere in their sagas.
 */
async function burst(
  user: TestUser,
  product: Product,
  crash: () => Promise<void>,
): Promise<Attempt[]> {
  const attempts: Attempt[] = Array.from({ length: BURST }, (_, i) => ({
    key: randomUUID(),
    method: METHODS[i % METHODS.length] as Attempt['method'],
    quantity: (i % 3) + 1,
  }));
  const requests: Promise<void>[] = [];
  let crashed: Promise<void> | undefined;
  for (const [i, attempt] of attempts.entries()) {
    requests.push(tryPlace(user, product, attempt).then((order) => void (attempt.order = order)));
    if (i === 6) crashed = crash();
    await sleep(150);
  }
  await Promise.all([...requests, crashed]);
  return attempts;
}

/**
 * Once the service is back: an order whose POST failed is placed again with the same key, which
 * returns it if it was created after all (its 202 was lost in the crash), or creates it now.
 */
async function placeTheRest(
  user: TestUser,
  product: Product,
  attempts: Attempt[],
): Promise<Order[]> {
  for (const attempt of attempts) {
    if (attempt.order) continue;
    await waitFor(
      `order ${attempt.key} to be accepted`,
      async () => (attempt.order = await tryPlace(user, product, attempt)) !== undefined,
      60_000,
      500,
    );
  }
  return attempts.map((a) => a.order as Order);
}

/** Every invariant, once every order has ended. */
async function expectInvariants(
  user: TestUser,
  product: Product,
  attempts: Attempt[],
  watch: StockWatch,
): Promise<void> {
  const orders = await Promise.all(
    attempts.map((a) => waitForTerminal(user, (a.order as Order).id, SETTLE_MS)),
  );
  // Read at once, while no saga is running: "available after a cancelled order equals available before it".
  const stock = await available(product.id);
  await watch.stop();

  const confirmedQuantity = attempts
    .filter((_, i) => orders[i]?.status === 'CONFIRMED')
    .reduce((sum, a) => sum + a.quantity, 0);
  expect(stock).toBe(INITIAL_STOCK - confirmedQuantity);
  expect(watch.lowest.get(product.id)).toBeGreaterThanOrEqual(0);

  const payments = await Promise.all(orders.map((o) => getPayment(user, o.id)));
  for (const [i, order] of orders.entries()) {
    const { method } = attempts[i] as Attempt;
    const payment = payments[i];
    const seen = {
      method,
      status: order.status,
      reason: order.cancellationReason,
      payment: payment?.status,
    };
    if (order.status === 'CONFIRMED') {
      expect(seen).toMatchObject({ method: 'pm_card_visa' });
      expect(payment).toMatchObject({ status: 'CAPTURED', amountCents: order.totalCents });
    } else {
      expect(seen).toMatchObject({ status: 'CANCELLED', reason: expect.any(String) });
      if (method === 'pm_card_visa') expect(seen.reason).toBe('TIMEOUT');
      expect(seen.payment).not.toBe('CAPTURED');
    }
  }

  // One notification per order, of its ending (an outbox republished after a crash is deduplicated).
  const notifications = await waitForNotifications(
    user,
    (all) => orders.every((o) => notificationsFor(all, o.id).length > 0),
    'a notification for every order',
  );
  for (const order of orders) {
    expect(notificationsFor(notifications, order.id).map((n) => n.type)).toEqual([
      order.status === 'CONFIRMED' ? 'ORDER_CONFIRMED' : 'ORDER_CANCELLED',
    ]);
  }
}

async function crashRound(name: BackendName): Promise<void> {
  const user = await newCustomer(`crash-${name}`);
  const product = await newProduct(INITIAL_STOCK);
  const watch = new StockWatch([product.id]);
  try {
    const attempts = await burst(user, product, () => stack.kill(name));
    await stack.start(name);
    await placeTheRest(user, product, attempts);
    await expectInvariants(user, product, attempts, watch);
  } finally {
    await watch.stop();
    // The files after this one need the whole stack, whatever happened here.
    if (!stack.isRunning(name)) await stack.start(name);
  }
}

/** The orders (of `orderIds`) whose ReserveInventory is in order-service's outbox, unpublished. */
async function unpublishedReservations(db: Client, orderIds: string[]): Promise<string[]> {
  const { rows } = await db.query<{ key: string }>(
    'SELECT message_key AS key FROM outbox WHERE published_at IS NULL AND event_type = $1 AND message_key = ANY($2::text[])',
    [EVENTS.ReserveInventory.type, orderIds],
  );
  return rows.map((row) => row.key).sort();
}

describe('crash safety: SIGKILL a saga participant mid-burst, restart it', () => {
  it.each(['inventory-service', 'payment-service'] as const)(
    '%s',
    async (name) => {
      await crashRound(name);
    },
    ROUND_TIMEOUT_MS,
  );

  it(
    'order-service, and again between an order’s commit and the publishing of its first command',
    async () => {
      const user = await newCustomer('crash-order-service');
      const product = await newProduct(INITIAL_STOCK);
      const watch = new StockWatch([product.id]);
      const db = new Client({
        connectionString: stack.state.apps['order-service'].env['DATABASE_URL'],
      });
      await db.connect();
      try {
        const attempts = await burst(user, product, () => stack.kill('order-service'));

        // A kill right after a 202 would race the relay, which NOTIFY wakes within milliseconds of
        // the commit. To crash surely inside that window, the test takes the relay's advisory
        // lock (the one that elects the single publisher of a service's outbox) while
        // order-service is down, and holds it while it runs again: orders are accepted and
        // committed with their ReserveInventory, and nothing can publish them.
        await waitFor(
          'the dead relay’s advisory lock to be free (held longer: another order-service uses this database)',
          async () =>
            (
              await db.query<{ locked: boolean }>(
                'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
                [RELAY_DEFAULTS.lockName],
              )
            ).rows[0]?.locked === true,
          15_000,
        );
        await stack.start('order-service');
        await placeTheRest(user, product, attempts);
        const window: Attempt[] = Array.from({ length: 3 }, () => ({
          key: randomUUID(),
          method: 'pm_card_visa',
          quantity: 1,
        }));
        const windowOrders = (await placeTheRest(user, product, window)).map((o) => o.id);
        // Committed (202, and each ReserveInventory is in the outbox), not published: the window.
        expect(await unpublishedReservations(db, windowOrders)).toEqual([...windowOrders].sort());
        for (const id of windowOrders)
          expect(await timelineSteps(user, id)).toEqual(['ORDER_CREATED']);

        await stack.kill('order-service');
        await db.query('SELECT pg_advisory_unlock(hashtext($1))', [RELAY_DEFAULTS.lockName]);
        await stack.start('order-service');

        // The restarted relay publishes what the dead process had committed, and the sagas go on.
        await expectInvariants(user, product, [...attempts, ...window], watch);
        expect(await unpublishedReservations(db, windowOrders)).toEqual([]);
      } finally {
        await db.end(); // releases the lock, if a failure left it held
        await watch.stop();
        if (!stack.isRunning('order-service')) await stack.start('order-service');
      }
    },
    2 * ROUND_TIMEOUT_MS,
  );
});
