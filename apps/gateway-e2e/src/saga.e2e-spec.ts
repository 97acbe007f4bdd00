import { randomUUID } from 'node:crypto';
import {
  about,
  api,
  available,
  expectMail,
  expectProblem,
  getOrder,
  getPayment,
  newCustomer,
  newProduct,
  type Notification,
  notificationsFor,
  type Order,
  placeOrder,
  StockWatch,
  type TestUser,
  timelineSteps,
  waitForNotifications,
  waitForOrder,
  waitForTerminal,
} from '@ecommerce/testing/e2e';

/**
 * The order saga as a client sees it (shared/API.md "Orders", "Invariants", "Notifications";
 * docs/saga.md): every order ends CONFIRMED or CANCELLED with the stock, the payment and the
 * notifications that go with it. Each test uses products of its own, so the stock it checks
 * is moved by nothing else.
 */

/** `steps` contains `expected` in this order (other steps may come between). */
function expectInOrder(steps: string[], expected: string[]): void {
  let from = 0;
  for (const step of expected) {
    const at = steps.indexOf(step, from);
    if (at < 0)
      throw new Error(
        `timeline ${JSON.stringify(steps)} lacks ${step} after position ${from - 1}, in ${JSON.stringify(expected)}`,
      );
    from = at + 1;
  }
}

const count = (all: Notification[], type: Notification['type']) =>
  all.filter((n) => n.type === type).length;

describe('the order saga', () => {
  let ada: TestUser;

  beforeAll(async () => {
    ada = await newCustomer('saga');
  });

  it('happy path: CONFIRMED, stock down by the quantity, payment CAPTURED for the total, the steps in order, one notification and one email', async () => {
    const product = await newProduct(10, 1_234);
    const before = await available(product.id);

    const placed = await placeOrder(ada, [{ productId: product.id, quantity: 3 }], 'pm_card_visa');
    expect(placed.totalCents).toBe(3 * 1_234);
    const order = await waitForTerminal(ada, placed.id);

    expect(order).toMatchObject({ id: placed.id, status: 'CONFIRMED', totalCents: 3 * 1_234 });
    expect(order.cancellationReason).toBeUndefined();
    expect(await available(product.id)).toBe(before - 3);
    expect(await getPayment(ada, order.id)).toMatchObject({
      orderId: order.id,
      status: 'CAPTURED',
      amountCents: order.totalCents,
      currency: order.currency,
    });

    // INVENTORY_COMMITTED is recorded after the order is confirmed (CommitReservation's reply).
    await waitForOrder(
      ada,
      order.id,
      async () => (await timelineSteps(ada, order.id)).includes('INVENTORY_COMMITTED'),
      'INVENTORY_COMMITTED',
    );
    expect(await timelineSteps(ada, order.id)).toEqual([
      'ORDER_CREATED',
      'INVENTORY_RESERVED',
      'PAYMENT_CAPTURED',
      'ORDER_CONFIRMED',
      'INVENTORY_COMMITTED',
    ]);

    const notifications = await waitForNotifications(
      ada,
      (all) => notificationsFor(all, order.id).length > 0 && count(all, 'WELCOME') > 0,
      'the WELCOME and ORDER_CONFIRMED notifications',
    );
    expect(notificationsFor(notifications, order.id)).toEqual([
      expect.objectContaining({
        type: 'ORDER_CONFIRMED',
        channel: 'email',
        orderId: order.id,
        subject: expect.any(String),
      }),
    ]);
    expect(count(notifications, 'WELCOME')).toBe(1);

    const mail = await expectMail(
      ada.email,
      (all) => about(all, order.id).length > 0 && all.length >= 2,
    );
    expect(about(mail, order.id)).toEqual([
      expect.objectContaining({ subject: expect.stringMatching(/confirmed/i) }),
    ]);
    expect(mail.filter((m) => /welcome/i.test(m.subject))).toHaveLength(1);
    expect(mail).toHaveLength(2); // the welcome and the confirmation, nothing else
  });

  describe('failures cancel the order, give the stock back, charge nothing', () => {
    const cases = [
      {
        method: 'pm_card_chargeDeclined',
        reason: 'PAYMENT_DECLINED',
        payment: { status: 'DECLINED', declineCode: 'generic_decline' },
        failedStep: 'PAYMENT_DECLINED',
      },
      {
        method: 'pm_card_chargeDeclinedInsufficientFunds',
        reason: 'PAYMENT_DECLINED',
        payment: { status: 'DECLINED', declineCode: 'insufficient_funds' },
        failedStep: 'PAYMENT_DECLINED',
      },
      {
        method: 'pm_card_processingError',
        reason: 'PAYMENT_ERROR',
        payment: { status: 'FAILED' },
        failedStep: 'PAYMENT_FAILED',
      },
    ] as const;

    let customer: TestUser;
    beforeAll(async () => {
      customer = await newCustomer('saga-failures');
    });

    it.each(cases)(
      '$method → CANCELLED/$reason, payment $payment.status, available exactly as before',
      async ({ method, reason, payment, failedStep }) => {
        const product = await newProduct(5);
        const before = await available(product.id);
        const placed = await placeOrder(customer, [{ productId: product.id, quantity: 2 }], method);
        const order = await waitForTerminal(customer, placed.id);

        expect(order).toMatchObject({ status: 'CANCELLED', cancellationReason: reason });
        // The order turns CANCELLED only once the stock is back: no "eventually" here.
        expect(await available(product.id)).toBe(before);
        expect(await getPayment(customer, order.id)).toMatchObject({
          orderId: order.id,
          amountCents: order.totalCents,
          ...payment,
        });
        const steps = await timelineSteps(customer, order.id);
        expectInOrder(steps, [
          'ORDER_CREATED',
          'INVENTORY_RESERVED',
          failedStep,
          'INVENTORY_RELEASED',
          'ORDER_CANCELLED',
        ]);
        expect(steps).not.toContain('PAYMENT_CAPTURED');
        await expectOneCancellation(customer, order);
      },
    );

    it('a quantity above the stock → CANCELLED/OUT_OF_STOCK, nothing reserved, no payment', async () => {
      const product = await newProduct(3);
      const placed = await placeOrder(
        customer,
        [{ productId: product.id, quantity: 4 }],
        'pm_card_visa',
      );
      const order = await waitForTerminal(customer, placed.id);

      expect(order).toMatchObject({ status: 'CANCELLED', cancellationReason: 'OUT_OF_STOCK' });
      expect(await available(product.id)).toBe(3);
      expect(await getPayment(customer, order.id)).toBeUndefined();
      const steps = await timelineSteps(customer, order.id);
      expectInOrder(steps, ['ORDER_CREATED', 'INVENTORY_REJECTED', 'ORDER_CANCELLED']);
      expect(steps).not.toContain('INVENTORY_RESERVED');
      await expectOneCancellation(customer, order);
    });
  });

  it('20 concurrent orders of 1 unit for a stock of 5: exactly 5 CONFIRMED, 15 OUT_OF_STOCK, available 0 and never negative', async () => {
    const product = await newProduct(5);
    const buyers = await Promise.all(Array.from({ length: 4 }, (_, i) => newCustomer(`rush-${i}`)));
    const watch = new StockWatch([product.id]);
    let placed: { buyer: TestUser; order: Order }[];
    let orders: Order[];
    try {
      placed = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const buyer = buyers[i % buyers.length] as TestUser;
          return {
            buyer,
            order: await placeOrder(
              buyer,
              [{ productId: product.id, quantity: 1 }],
              'pm_card_visa',
            ),
          };
        }),
      );
      orders = await Promise.all(
        placed.map(({ buyer, order }) => waitForTerminal(buyer, order.id)),
      );
    } finally {
      await watch.stop();
    }

    const confirmed = orders.filter((o) => o.status === 'CONFIRMED');
    const cancelled = orders.filter((o) => o.status === 'CANCELLED');
    expect({ confirmed: confirmed.length, cancelled: cancelled.length }).toEqual({
      confirmed: 5,
      cancelled: 15,
    });
    expect(new Set(cancelled.map((o) => o.cancellationReason))).toEqual(new Set(['OUT_OF_STOCK']));
    expect(await available(product.id)).toBe(0);
    expect(watch.lowest.get(product.id)).toBeGreaterThanOrEqual(0);

    const payments = await Promise.all(
      placed.map(({ buyer, order }) => getPayment(buyer, order.id)),
    );
    expect(payments.filter((p) => p?.status === 'CAPTURED')).toHaveLength(5);
    for (const [i, order] of orders.entries()) {
      if (order.status === 'CANCELLED') expect(payments[i]).toBeUndefined();
    }
  });

  describe('customer cancel', () => {
    it('of a CONFIRMED order → 202, then CANCELLED/CUSTOMER_REQUEST, payment REFUNDED, stock back; again → 409; another customer → 404', async () => {
      const product = await newProduct(10);
      const placed = await placeOrder(
        ada,
        [{ productId: product.id, quantity: 2 }],
        'pm_card_visa',
      );
      const confirmed = await waitForTerminal(ada, placed.id);
      expect(confirmed.status).toBe('CONFIRMED');
      expect(await available(product.id)).toBe(8);

      const eve = await newCustomer('not-the-owner');
      expectProblem(await api().post(`/api/v1/orders/${confirmed.id}/cancel`).set(eve.auth), 404);

      const accepted = await api().post(`/api/v1/orders/${confirmed.id}/cancel`).set(ada.auth);
      expect(accepted.status).toBe(202);
      expect(accepted.body).toMatchObject({ id: confirmed.id });

      const order = await waitForOrder(
        ada,
        confirmed.id,
        async (o) => o.status === 'CANCELLED',
        'CANCELLED',
      );
      expect(order.cancellationReason).toBe('CUSTOMER_REQUEST');
      expect(await available(product.id)).toBe(10);
      expect(await getPayment(ada, order.id)).toMatchObject({
        status: 'REFUNDED',
        amountCents: order.totalCents,
      });
      expectInOrder(await timelineSteps(ada, order.id), [
        'ORDER_CONFIRMED',
        'INVENTORY_RELEASED',
        'ORDER_CANCELLED',
      ]);
      expect(await timelineSteps(ada, order.id)).toContain('PAYMENT_REFUNDED');

      expectProblem(await api().post(`/api/v1/orders/${order.id}/cancel`).set(ada.auth), 409);
      expectProblem(await api().post(`/api/v1/orders/${randomUUID()}/cancel`).set(ada.auth), 404);
      expect((await getOrder(ada, order.id)).status).toBe('CANCELLED');

      const notifications = await waitForNotifications(
        ada,
        (all) => notificationsFor(all, order.id).some((n) => n.type === 'ORDER_CANCELLED'),
        'the ORDER_CANCELLED notification',
      );
      expect(
        notificationsFor(notifications, order.id)
          .map((n) => n.type)
          .sort(),
      ).toEqual(['ORDER_CANCELLED', 'ORDER_CONFIRMED']);
    });
  });
});

/** Exactly one ORDER_CANCELLED notification for the order, and exactly one email about it. */
async function expectOneCancellation(user: TestUser, order: Order): Promise<void> {
  const notifications = await waitForNotifications(
    user,
    (all) => notificationsFor(all, order.id).length > 0,
    `ORDER_CANCELLED for ${order.id}`,
  );
  expect(notificationsFor(notifications, order.id)).toEqual([
    expect.objectContaining({ type: 'ORDER_CANCELLED', orderId: order.id }),
  ]);
  const mail = await expectMail(user.email, (all) => about(all, order.id).length > 0);
  expect(about(mail, order.id)).toEqual([
    expect.objectContaining({ subject: expect.stringMatching(/cancelled/i) }),
  ]);
}
