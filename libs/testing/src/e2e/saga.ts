import { randomUUID } from 'node:crypto';
import { waitFor } from '../stack/processes';
import { admin, api, type TestUser } from './api';

/** What a client sees of the saga, through the gateway only (shared/API.md "Orders"). */

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED';

export interface Order {
  id: string;
  userId: string;
  status: OrderStatus;
  cancellationReason?: string;
  items: { productId: string; quantity: number; unitPriceCents: number }[];
  totalCents: number;
  currency: string;
}

export interface Payment {
  id: string;
  orderId: string;
  amountCents: number;
  currency: string;
  status: 'CAPTURED' | 'DECLINED' | 'FAILED' | 'REFUNDED';
  declineCode?: string;
}

export interface Notification {
  id: string;
  type: 'WELCOME' | 'ORDER_CONFIRMED' | 'ORDER_CANCELLED';
  channel: string;
  subject: string;
  orderId?: string;
  status: 'PENDING' | 'SENT' | 'FAILED';
  attempts: number;
  sentAt?: string;
  createdAt: string;
}

export interface Product {
  id: string;
  sku: string;
  priceCents: number;
  currency: string;
  available: number;
}

export interface Line {
  productId: string;
  quantity: number;
}

/**
 * A generous bound for one saga: a few hops over Kafka take well under a second on an idle
 * stack; this only has to be long enough for a loaded CI machine.
 */
export const SAGA_BOUND_MS = 30_000;

/** A product of its own with a known stock, so no other test moves its `available`. */
export async function newProduct(initialStock: number, priceCents = 1_000): Promise<Product> {
  const res = await api()
    .post('/api/v1/products')
    .set(await admin())
    .send({
      sku: `SAGA-${randomUUID()}`,
      name: 'Saga test item',
      priceCents,
      currency: 'EUR',
      initialStock,
    });
  expect(res.status).toBe(201);
  return res.body as Product;
}

export async function available(productId: string): Promise<number> {
  const res = await api().get(`/api/v1/products/${productId}`);
  expect(res.status).toBe(200);
  return (res.body as Product).available;
}

/** POST /orders → 202 PENDING; the accepted order. */
export async function placeOrder(
  user: TestUser,
  items: Line[],
  paymentMethod?: string,
  idempotencyKey?: string,
): Promise<Order> {
  const req = api().post('/api/v1/orders').set(user.auth);
  if (idempotencyKey) req.set('Idempotency-Key', idempotencyKey);
  const res = await req.send({ items, ...(paymentMethod ? { paymentMethod } : {}) });
  expect({ status: res.status, body: res.body }).toMatchObject({
    status: 202,
    body: { status: 'PENDING' },
  });
  return res.body as Order;
}

export async function getOrder(user: TestUser, orderId: string): Promise<Order> {
  const res = await api().get(`/api/v1/orders/${orderId}`).set(user.auth);
  expect(res.status).toBe(200);
  return res.body as Order;
}

/** Polls GET /orders/:id until `done(order)`; returns the order it was done with. */
export async function waitForOrder(
  user: TestUser,
  orderId: string,
  done: (order: Order) => Promise<boolean> | boolean,
  what: string,
  timeoutMs = SAGA_BOUND_MS,
): Promise<Order> {
  let order: Order | undefined;
  await waitFor(
    `order ${orderId}: ${what}`,
    async () => {
      const res = await api().get(`/api/v1/orders/${orderId}`).set(user.auth);
      if (res.status !== 200) return false;
      order = res.body as Order;
      return done(order);
    },
    timeoutMs,
    100,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last seen ${JSON.stringify(order ?? 'nothing')}`);
  });
  return order as Order;
}

/** Polls GET /orders/:id until the saga has ended: CONFIRMED or CANCELLED. */
export function waitForTerminal(
  user: TestUser,
  orderId: string,
  timeoutMs = SAGA_BOUND_MS,
): Promise<Order> {
  return waitForOrder(
    user,
    orderId,
    (order) => order.status !== 'PENDING',
    'CONFIRMED or CANCELLED',
    timeoutMs,
  );
}

/** GET /orders/:id/payment: the payment, or undefined while there is none (404). */
export async function getPayment(user: TestUser, orderId: string): Promise<Payment | undefined> {
  const res = await api().get(`/api/v1/orders/${orderId}/payment`).set(user.auth);
  if (res.status === 404) return undefined;
  expect(res.status).toBe(200);
  return res.body as Payment;
}

export async function timelineSteps(user: TestUser, orderId: string): Promise<string[]> {
  const res = await api().get(`/api/v1/orders/${orderId}/timeline`).set(user.auth);
  expect(res.status).toBe(200);
  return (res.body as { step: string }[]).map((entry) => entry.step);
}

/** Every notification of the user (the API pages them; one page of 100 is all a test makes). */
export async function notificationsOf(user: TestUser): Promise<Notification[]> {
  const res = await api().get('/api/v1/notifications?page=1&limit=100').set(user.auth);
  expect(res.status).toBe(200);
  return res.body.data as Notification[];
}

/** Waits until the user's notifications satisfy `done`, and returns them. */
export async function waitForNotifications(
  user: TestUser,
  done: (all: Notification[]) => boolean,
  what: string,
  timeoutMs = SAGA_BOUND_MS,
): Promise<Notification[]> {
  let all: Notification[] = [];
  await waitFor(
    what,
    async () => {
      all = await notificationsOf(user);
      return done(all);
    },
    timeoutMs,
    200,
  ).catch((error: Error) => {
    throw new Error(
      `${error.message}; last seen: ${JSON.stringify(all.map((n) => [n.type, n.orderId]))}`,
    );
  });
  return all;
}

export const notificationsFor = (all: Notification[], orderId: string) =>
  all.filter((n) => n.orderId === orderId);

/**
 * Samples products' `available` while something runs: the lowest value seen of each, to prove
 * stock never went below zero at any moment a client could have looked.
 */
export class StockWatch {
  readonly lowest = new Map<string, number>();
  private running = true;
  private readonly loop: Promise<void>;

  constructor(private readonly productIds: string[]) {
    this.loop = this.sample();
  }

  private async sample(): Promise<void> {
    while (this.running) {
      for (const id of this.productIds) {
        const res = await api()
          .get(`/api/v1/products/${id}`)
          .catch(() => undefined);
        // A backend that is down (crash tests) answers 503: nothing to see then.
        if (res?.status === 200) {
          const value = (res.body as Product).available;
          this.lowest.set(id, Math.min(value, this.lowest.get(id) ?? value));
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async stop(): Promise<Map<string, number>> {
    this.running = false;
    await this.loop;
    return this.lowest;
  }
}
