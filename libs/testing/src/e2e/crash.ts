import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '../stack/processes';
import { api, type TestUser } from './api';
import {
  available,
  getPayment,
  notificationsFor,
  type Order,
  type Product,
  type StockWatch,
  timelineSteps,
  waitForNotifications,
  waitForTerminal,
} from './saga';

/**
 * A burst of orders with a crash in the middle, and the invariants of shared/API.md that must
 * hold once every order has ended: every order CONFIRMED or CANCELLED, stock = initial −
 * confirmed quantities (never negative on the way), at most one CAPTURED payment per order and
 * none for a cancelled one, one ending in each timeline and one notification each. Used by
 * crash-safety.e2e-spec.ts (one process of each app) and by the replicas' suite.
 *
 * How long a round takes is mostly Kafka's: a killed consumer never leaves its group, so its
 * partitions move once the dead member's session times out (30 s), and sagas waiting that long
 * may be cancelled by the deadline sweeper (SAGA_TIMEOUT_MS, 30 s). Both are allowed outcomes;
 * a stuck, double-charged or stock-leaking order is not.
 */

export const CRASH_METHODS = [
  'pm_card_visa',
  'pm_card_visa',
  'pm_card_chargeDeclined',
  'pm_card_visa',
  'pm_card_processingError',
  'pm_card_chargeDeclinedInsufficientFunds',
] as const;
export const BURST = 15;
/** The stock of the product a burst buys: more than it can order (at most 3 a line). */
export const BURST_STOCK = 100;
/** Generous: a rebalance after the crash (~30 s), then at worst a saga timeout (30 s) and its compensation. */
export const SETTLE_MS = 150_000;
/** A restart (up to a minute when the machine is slow), placing the rest, settling. */
export const ROUND_TIMEOUT_MS = 300_000;

export interface Attempt {
  key: string;
  method: (typeof CRASH_METHODS)[number];
  quantity: number;
  order?: Order;
}

/** POST /orders with an Idempotency-Key; the order on 202, undefined on anything else (a backend is down). */
export async function tryPlace(
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
export async function burst(
  user: TestUser,
  product: Product,
  crash: () => Promise<void>,
): Promise<Attempt[]> {
  const attempts: Attempt[] = Array.from({ length: BURST }, (_, i) => ({
    key: randomUUID(),
    method: CRASH_METHODS[i % CRASH_METHODS.length] as Attempt['method'],
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
export async function placeTheRest(
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

/** Every invariant, once every order has ended; resolves to the orders as they ended. */
export async function expectInvariants(
  user: TestUser,
  product: Product,
  attempts: Attempt[],
  watch: StockWatch,
): Promise<Order[]> {
  const orders = await Promise.all(
    attempts.map((a) => waitForTerminal(user, (a.order as Order).id, SETTLE_MS)),
  );
  // Read at once, while no saga is running: "available after a cancelled order equals available before it".
  const stock = await available(product.id);
  await watch.stop();

  const confirmedQuantity = attempts
    .filter((_, i) => orders[i]?.status === 'CONFIRMED')
    .reduce((sum, a) => sum + a.quantity, 0);
  expect(stock).toBe(BURST_STOCK - confirmedQuantity);
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

  // One ending per saga: a deadline sweeper (one per order-service instance) or a redelivered
  // reply applied twice would record a second one.
  for (const order of orders) {
    const endings = (await timelineSteps(user, order.id)).filter(
      (step) => step === 'ORDER_CONFIRMED' || step === 'ORDER_CANCELLED',
    );
    expect({ order: order.id, endings }).toEqual({
      order: order.id,
      endings: [order.status === 'CONFIRMED' ? 'ORDER_CONFIRMED' : 'ORDER_CANCELLED'],
    });
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
  return orders;
}
