import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { type ServiceError, status } from '@grpc/grpc-js';
import {
  deadLetterTopic,
  EVENTS,
  inventoryEventsV1,
  orderV1,
  paymentEventsV1,
  TOPICS,
} from '@ecommerce/contracts';
import { errorCodeOf } from '@ecommerce/errors';
import { DLT_HEADER, envelopeHeaders } from '@ecommerce/messaging';
import {
  continuedTrace,
  databaseUrl,
  metricValue,
  ORDER_GROUP,
  OrderServiceProcess,
  orderWhen,
  placeOrder,
  SagaHarness,
  type Seen,
  timelineOf,
  waitFor,
} from '@ecommerce/testing';

/**
 * The order saga end to end: order-service and inventory-service as real processes, the real
 * broker and databases; the test plays payment-service, so it decides what the payment
 * answers, and when, and how often.
 */

const { OrderStatus, CancellationReason } = orderV1;
const LONG = 120_000;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

let harness: SagaHarness;
let service: OrderServiceProcess;

beforeAll(async () => {
  harness = await SagaHarness.start();
  // A deadline far enough away that only the timeout test (its own instance) meets one.
  service = await OrderServiceProcess.start(harness.inventoryPort, { SAGA_TIMEOUT_MS: '120000' });
}, LONG);

afterAll(async () => {
  await service?.stop();
  await harness?.close();
}, LONG);

const orders = () => service.orders;
const steps = async (order: orderV1.Order) =>
  (await timelineOf(orders(), order)).map((e) => e.step);

/** Waits for the order's CapturePayment and checks it asks for the order's total. */
async function capturePaymentFor(order: orderV1.Order, paymentMethod = 'pm_card_visa') {
  const capture = await harness.message(order.id, 'CapturePayment');
  expect(capture.payload).toEqual({
    orderId: order.id,
    userId: order.userId,
    amountCents: order.totalCents,
    currency: order.currency,
    paymentMethod,
  });
  return capture;
}

const captured = (order: orderV1.Order) => ({
  orderId: order.id,
  paymentId: randomUUID(),
  amountCents: order.totalCents,
  currency: order.currency,
});

/** The happy path up to CONFIRMED and the commit's acknowledgement. */
async function confirmedOrder(quantity = 1) {
  const product = await harness.product(20);
  const order = await placeOrder(orders(), randomUUID(), [{ productId: product.id, quantity }]);
  await capturePaymentFor(order);
  await harness.pay('PaymentCaptured', captured(order));
  await orderWhen(orders(), order, 'is CONFIRMED', (o) => o.status === OrderStatus.CONFIRMED);
  await waitFor(
    'INVENTORY_COMMITTED',
    async () => (await steps(order)).includes('INVENTORY_COMMITTED'),
    30_000,
  );
  return { order, product };
}

async function failure(call: Promise<unknown>): Promise<ServiceError> {
  const outcome = await call.then(
    (value) => ({ value }),
    (error: ServiceError) => ({ error }),
  );
  if (!('error' in outcome))
    throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`);
  return outcome.error;
}

describe('metrics', () => {
  it(
    'one CONFIRMED and one declined saga count once each in the outcomes and the duration; redeliveries count nothing',
    async () => {
      const scrape = async () => (await fetch(service.metricsUrl)).text();
      const outcome = (text: string, status: string, reason: string) =>
        metricValue(text, 'saga_outcomes_total', { status, reason });
      const durations = (text: string, status?: string) =>
        metricValue(text, 'saga_duration_seconds_count', status ? { status } : {});
      // Sagas of other tests may time out meanwhile (the database is shared): what is exact is
      // ours by their labels, and that every outcome counted has its one duration.
      const outcomes = (text: string) => metricValue(text, 'saga_outcomes_total');
      const duplicates = (text: string) =>
        metricValue(text, 'messages_consumed_total', { topic: TOPICS.paymentEvents, outcome: 'duplicate' });
      const before = await scrape();

      const { order } = await confirmedOrder();
      const product = await harness.product(10);
      const declined = await placeOrder(orders(), randomUUID(), [{ productId: product.id, quantity: 1 }], {
        paymentMethod: 'pm_card_chargeDeclined',
      });
      await capturePaymentFor(declined, 'pm_card_chargeDeclined');
      const decline = { orderId: declined.id, paymentId: randomUUID(), declineCode: 'card_declined' };
      const first = await harness.pay('PaymentDeclined', decline);
      await orderWhen(orders(), declined, 'is CANCELLED', (o) => o.status === OrderStatus.CANCELLED);
      // Counted just after the commit a client can already see: wait for it, then check it exactly.
      await waitFor(
        'both outcomes counted',
        async () => {
          const text = await scrape();
          return (
            outcome(text, 'CONFIRMED', 'NONE') > outcome(before, 'CONFIRMED', 'NONE') &&
            outcome(text, 'CANCELLED', 'PAYMENT_DECLINED') > outcome(before, 'CANCELLED', 'PAYMENT_DECLINED')
          );
        },
        10_000,
      );
      const afterBoth = await scrape();
      expect(outcome(afterBoth, 'CONFIRMED', 'NONE')).toBe(outcome(before, 'CONFIRMED', 'NONE') + 1);
      expect(outcome(afterBoth, 'CANCELLED', 'PAYMENT_DECLINED')).toBe(outcome(before, 'CANCELLED', 'PAYMENT_DECLINED') + 1);
      expect(durations(afterBoth, 'CONFIRMED')).toBe(durations(before, 'CONFIRMED') + 1);
      expect(durations(afterBoth) - durations(before)).toBe(outcomes(afterBoth) - outcomes(before));
      // Both orders were placed over gRPC and priced by inventory-service: RED on both sides.
      const rpc = (text: string, side: 'server' | 'client', grpc_service: string, grpc_method: string) =>
        metricValue(text, `grpc_${side}_handled_total`, { grpc_service, grpc_method, grpc_code: 'OK' });
      const placing = ['server', 'ecommerce.order.v1.OrderService', 'CreateOrder'] as const;
      const pricing = ['client', 'ecommerce.inventory.v1.InventoryService', 'GetProductsByIds'] as const;
      expect(rpc(afterBoth, ...placing)).toBe(rpc(before, ...placing) + 2);
      expect(rpc(afterBoth, ...pricing)).toBe(rpc(before, ...pricing) + 2);

      // The same reply again (same ce_id: the inbox drops it), and a new one the saga ignores.
      await harness.handled(await harness.pay('PaymentDeclined', decline, first.id));
      await harness.handled(await harness.pay('PaymentCaptured', captured(order)));
      const afterRedelivery = await scrape();
      expect(duplicates(afterRedelivery)).toBe(duplicates(afterBoth) + 1);
      for (const [status, reason] of [
        ['CONFIRMED', 'NONE'],
        ['CANCELLED', 'PAYMENT_DECLINED'],
      ] as const) {
        expect(outcome(afterRedelivery, status, reason)).toBe(outcome(afterBoth, status, reason));
      }
      expect(durations(afterRedelivery, 'CONFIRMED')).toBe(durations(afterBoth, 'CONFIRMED'));
      expect(durations(afterRedelivery) - durations(afterBoth)).toBe(outcomes(afterRedelivery) - outcomes(afterBoth));
    },
    LONG,
  );
});

describe('the happy path', () => {
  it(
    'reserves, captures, confirms: CONFIRMED with its timeline in order, CommitReservation and OrderConfirmed published',
    async () => {
      const product = await harness.product(20, 1_500);
      const userId = randomUUID();
      const order = await placeOrder(orders(), userId, [{ productId: product.id, quantity: 3 }], {
        traceparent: TRACEPARENT,
      });
      expect(order.status).toBe(OrderStatus.PENDING);

      // ReserveInventory and OrderCreated were written with the order; the request's trace goes with them.
      const reserve = await harness.message(order.id, 'ReserveInventory');
      expect(reserve.payload).toEqual({
        orderId: order.id,
        items: [{ productId: product.id, quantity: 3 }],
      });
      expect(reserve.headers).toMatchObject({
        ce_type: EVENTS.ReserveInventory.type,
        ce_source: 'order-service',
        ce_subject: order.id,
        traceparent: expect.stringMatching(continuedTrace(TRACEPARENT)),
      });
      const created = await harness.message(order.id, 'OrderCreated');
      expect(created.payload).toMatchObject({
        orderId: order.id,
        userId,
        totalCents: 4_500,
        currency: 'EUR',
      });

      const capture = await capturePaymentFor(order);
      expect(capture.headers['traceparent']).toMatch(continuedTrace(TRACEPARENT));
      await harness.pay('PaymentCaptured', captured(order));

      const confirmed = await orderWhen(
        orders(),
        order,
        'is CONFIRMED',
        (o) => o.status === OrderStatus.CONFIRMED,
      );
      expect(confirmed.cancellationReason).toBe(CancellationReason.UNSPECIFIED);
      await harness.message(order.id, 'CommitReservation');
      const announced = await harness.message(order.id, 'OrderConfirmed');
      expect(announced.payload).toMatchObject({
        orderId: order.id,
        userId,
        totalCents: 4_500,
        currency: 'EUR',
      });

      await waitFor(
        'INVENTORY_COMMITTED',
        async () => (await steps(order)).includes('INVENTORY_COMMITTED'),
        30_000,
      );
      expect(await timelineOf(orders(), order)).toEqual([
        { step: 'ORDER_CREATED', status: 'PENDING', detail: '' },
        { step: 'INVENTORY_RESERVED', status: 'PENDING', detail: '' },
        { step: 'PAYMENT_CAPTURED', status: 'PENDING', detail: '' },
        { step: 'ORDER_CONFIRMED', status: 'CONFIRMED', detail: '' },
        { step: 'INVENTORY_COMMITTED', status: 'CONFIRMED', detail: '' },
      ]);
      expect(await harness.available(product.id)).toBe(17);
    },
    LONG,
  );
});

describe('failures', () => {
  it(
    'declined: ReleaseInventory, then CANCELLED(PAYMENT_DECLINED) only once the stock is back',
    async () => {
      const product = await harness.product(10);
      const order = await placeOrder(
        orders(),
        randomUUID(),
        [{ productId: product.id, quantity: 4 }],
        {
          paymentMethod: 'pm_card_chargeDeclined',
        },
      );
      await capturePaymentFor(order, 'pm_card_chargeDeclined');
      expect(await harness.available(product.id)).toBe(6);
      await harness.pay('PaymentDeclined', {
        orderId: order.id,
        paymentId: randomUUID(),
        declineCode: 'card_declined',
      });

      await harness.message(order.id, 'ReleaseInventory');
      const cancelled = await orderWhen(
        orders(),
        order,
        'is CANCELLED',
        (o) => o.status === OrderStatus.CANCELLED,
      );
      // The moment a client sees CANCELLED, the stock is back.
      expect(await harness.available(product.id)).toBe(10);
      expect(cancelled.cancellationReason).toBe(CancellationReason.PAYMENT_DECLINED);
      expect(await timelineOf(orders(), order)).toEqual([
        { step: 'ORDER_CREATED', status: 'PENDING', detail: '' },
        { step: 'INVENTORY_RESERVED', status: 'PENDING', detail: '' },
        { step: 'PAYMENT_DECLINED', status: 'PENDING', detail: 'card_declined' },
        { step: 'INVENTORY_RELEASED', status: 'PENDING', detail: '' },
        { step: 'ORDER_CANCELLED', status: 'CANCELLED', detail: 'PAYMENT_DECLINED' },
      ]);
      const announced = await harness.message(order.id, 'OrderCancelled');
      expect(announced.payload).toMatchObject({
        orderId: order.id,
        reason: CancellationReason.PAYMENT_DECLINED,
      });
      // ReleaseInventory was published before the order was cancelled.
      const release = harness.of(TOPICS.inventoryCommands, order.id, 'ReleaseInventory')[0] as Seen;
      expect(
        Number(release.headers['ce_time'] ? Date.parse(release.headers['ce_time']) : NaN),
      ).toBeLessThanOrEqual(Date.parse(cancelled.updatedAt));
    },
    LONG,
  );

  it(
    'payment failed: CANCELLED(PAYMENT_ERROR) with the error in the timeline, stock back',
    async () => {
      const product = await harness.product(5);
      const order = await placeOrder(
        orders(),
        randomUUID(),
        [{ productId: product.id, quantity: 5 }],
        {
          paymentMethod: 'pm_card_processingError',
        },
      );
      await capturePaymentFor(order, 'pm_card_processingError');
      await harness.pay('PaymentFailed', {
        orderId: order.id,
        paymentId: randomUUID(),
        error: 'processing_error',
        attempts: 3,
      });
      const cancelled = await orderWhen(
        orders(),
        order,
        'is CANCELLED',
        (o) => o.status === OrderStatus.CANCELLED,
      );
      expect(cancelled.cancellationReason).toBe(CancellationReason.PAYMENT_ERROR);
      expect(await harness.available(product.id)).toBe(5);
      expect(
        (await timelineOf(orders(), order)).find((e) => e.step === 'PAYMENT_FAILED')?.detail,
      ).toBe('processing_error (after 3 attempts)');
    },
    LONG,
  );

  it(
    'out of stock: CANCELLED(OUT_OF_STOCK), nothing charged, the short line in the timeline',
    async () => {
      const product = await harness.product(2);
      const order = await placeOrder(orders(), randomUUID(), [
        { productId: product.id, quantity: 3 },
      ]);
      const cancelled = await orderWhen(
        orders(),
        order,
        'is CANCELLED',
        (o) => o.status === OrderStatus.CANCELLED,
      );
      expect(cancelled.cancellationReason).toBe(CancellationReason.OUT_OF_STOCK);
      const announced = await harness.message(order.id, 'OrderCancelled');
      expect(announced.payload).toMatchObject({
        orderId: order.id,
        reason: CancellationReason.OUT_OF_STOCK,
      });
      const timeline = await timelineOf(orders(), order);
      expect(timeline.map((e) => e.step)).toEqual([
        'ORDER_CREATED',
        'INVENTORY_REJECTED',
        'ORDER_CANCELLED',
      ]);
      expect(timeline[1]?.detail).toBe(
        `INSUFFICIENT_STOCK: ${product.id} requested 3, available 2`,
      );
      expect(harness.of(TOPICS.paymentCommands, order.id)).toEqual([]);
      expect(await harness.available(product.id)).toBe(2);
    },
    LONG,
  );
});

describe('CancelOrder', () => {
  it(
    'of a CONFIRMED order: RefundPayment + ReleaseInventory, CONFIRMED until both are acknowledged, then CANCELLED(CUSTOMER_REQUEST)',
    async () => {
      const { order, product } = await confirmedOrder(2);
      expect(await harness.available(product.id)).toBe(18);

      const { order: accepted } = await orders().call('cancelOrder', {
        orderId: order.id,
        callerUserId: order.userId,
        callerIsAdmin: false,
      });
      expect(accepted?.status).toBe(OrderStatus.CONFIRMED);
      await harness.message(order.id, 'RefundPayment');
      await harness.message(order.id, 'ReleaseInventory');
      // inventory has acknowledged; the refund has not been: still CONFIRMED.
      await waitFor(
        'INVENTORY_RELEASED',
        async () => (await steps(order)).includes('INVENTORY_RELEASED'),
        30_000,
      );
      expect(await harness.available(product.id)).toBe(20);
      const waiting = await orderWhen(orders(), order, 'is read', () => true);
      expect(waiting.status).toBe(OrderStatus.CONFIRMED);

      // The refund's acknowledgement, delivered twice: one cancellation.
      const refunded = {
        orderId: order.id,
        paymentId: randomUUID(),
        amountCents: order.totalCents,
        currency: 'EUR',
      };
      const first = await harness.pay('PaymentRefunded', refunded);
      const again = await harness.pay('PaymentRefunded', refunded, first.id);
      const cancelled = await orderWhen(
        orders(),
        order,
        'is CANCELLED',
        (o) => o.status === OrderStatus.CANCELLED,
      );
      expect(cancelled.cancellationReason).toBe(CancellationReason.CUSTOMER_REQUEST);
      await harness.handled(again);
      expect(await steps(order)).toEqual([
        'ORDER_CREATED',
        'INVENTORY_RESERVED',
        'PAYMENT_CAPTURED',
        'ORDER_CONFIRMED',
        'INVENTORY_COMMITTED',
        'CANCELLATION_REQUESTED',
        'INVENTORY_RELEASED',
        'PAYMENT_REFUNDED',
        'ORDER_CANCELLED',
      ]);
      expect(await harness.outboxCounts(order.id)).toMatchObject({
        OrderCancelled: 1,
        RefundPayment: 1,
        ReleaseInventory: 1,
      });

      // A second cancellation is refused (the gateway's 409); another customer's order is NOT_FOUND.
      const again409 = await failure(
        orders().call('cancelOrder', {
          orderId: order.id,
          callerUserId: order.userId,
          callerIsAdmin: false,
        }),
      );
      expect(again409.code).toBe(status.FAILED_PRECONDITION);
      expect(errorCodeOf(again409)).toBe('ORDER_ALREADY_CANCELLED');
    },
    LONG,
  );

  it(
    'is NOT_FOUND for another customer, and allowed to an admin',
    async () => {
      const product = await harness.product(5);
      const order = await placeOrder(orders(), randomUUID(), [
        { productId: product.id, quantity: 1 },
      ]);
      const stranger = await failure(
        orders().call('cancelOrder', {
          orderId: order.id,
          callerUserId: randomUUID(),
          callerIsAdmin: false,
        }),
      );
      expect(stranger.code).toBe(status.NOT_FOUND);
      expect(errorCodeOf(stranger)).toBe('ORDER_NOT_FOUND');
      await capturePaymentFor(order);
      const { order: accepted } = await orders().call('cancelOrder', {
        orderId: order.id,
        callerUserId: randomUUID(),
        callerIsAdmin: true,
      });
      expect(accepted?.status).toBe(OrderStatus.PENDING);
      await harness.pay('PaymentDeclined', {
        orderId: order.id,
        paymentId: randomUUID(),
        declineCode: 'card_declined',
      });
      const cancelled = await orderWhen(
        orders(),
        order,
        'is CANCELLED',
        (o) => o.status === OrderStatus.CANCELLED,
      );
      // The cancellation came first: its reason wins over the decline's.
      expect(cancelled.cancellationReason).toBe(CancellationReason.CUSTOMER_REQUEST);
    },
    LONG,
  );

  it(
    'racing the capture: whichever takes the saga row first, CANCELLED in the end, with one refund and one release',
    async () => {
      const product = await harness.product(5);
      const order = await placeOrder(orders(), randomUUID(), [
        { productId: product.id, quantity: 2 },
      ]);
      await capturePaymentFor(order);
      // Sent together: whichever takes the saga row's lock first, one terminal state follows.
      const [accepted] = await Promise.all([
        orders().call('cancelOrder', {
          orderId: order.id,
          callerUserId: order.userId,
          callerIsAdmin: false,
        }),
        harness.pay('PaymentCaptured', captured(order)),
      ]);
      expect([OrderStatus.PENDING, OrderStatus.CONFIRMED]).toContain(accepted.order?.status);
      await harness.message(order.id, 'RefundPayment');
      await harness.message(order.id, 'ReleaseInventory');
      await harness.pay('PaymentRefunded', {
        orderId: order.id,
        paymentId: randomUUID(),
        amountCents: order.totalCents,
        currency: 'EUR',
      });
      const cancelled = await orderWhen(
        orders(),
        order,
        'is CANCELLED',
        (o) => o.status === OrderStatus.CANCELLED,
      );
      expect(cancelled.cancellationReason).toBe(CancellationReason.CUSTOMER_REQUEST);
      expect(await harness.available(product.id)).toBe(5);
      const counts = await harness.outboxCounts(order.id);
      expect(counts).toMatchObject({ RefundPayment: 1, ReleaseInventory: 1, OrderCancelled: 1 });
      // Either it was confirmed first (then cancelled), or never: both are one story, told once.
      expect(counts['OrderConfirmed'] ?? 0).toBe(
        (await steps(order)).includes('ORDER_CONFIRMED') ? 1 : 0,
      );
    },
    LONG,
  );
});

describe('exactly once', () => {
  it(
    'every reply delivered twice (same ce_id): one effect each',
    async () => {
      const product = await harness.product(10);
      const order = await placeOrder(orders(), randomUUID(), [
        { productId: product.id, quantity: 1 },
      ]);
      await capturePaymentFor(order);

      const reserved = harness.of(TOPICS.inventoryEvents, order.id, 'InventoryReserved')[0] as Seen;
      await harness.handled(await harness.republish(reserved));
      const payment = captured(order);
      const first = await harness.pay('PaymentCaptured', payment);
      await harness.handled(await harness.pay('PaymentCaptured', payment, first.id));
      await orderWhen(orders(), order, 'is CONFIRMED', (o) => o.status === OrderStatus.CONFIRMED);
      const committed = await harness.message(order.id, 'InventoryCommitted');
      await harness.handled(await harness.republish(committed));

      expect(await harness.outboxCounts(order.id)).toEqual({
        ReserveInventory: 1,
        OrderCreated: 1,
        CapturePayment: 1,
        CommitReservation: 1,
        OrderConfirmed: 1,
      });
      expect(await steps(order)).toEqual([
        'ORDER_CREATED',
        'INVENTORY_RESERVED',
        'PAYMENT_CAPTURED',
        'ORDER_CONFIRMED',
        'INVENTORY_COMMITTED',
      ]);
      expect(await harness.available(product.id)).toBe(9);
    },
    LONG,
  );

  it(
    'a poison message on each consumed topic goes to its .dlt with the DLT headers; the next one is handled',
    async () => {
      const { order } = await confirmedOrder();

      // Undecodable bytes (a varint that never ends) under a known type, keyed like the order's
      // own messages, so they share its partition.
      const garbage = Buffer.from([
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      ]);
      expect(() => paymentEventsV1.PaymentRefunded.decode(garbage)).toThrow();
      expect(() => inventoryEventsV1.InventoryReleased.decode(garbage)).toThrow();
      const poison = (topic: string, type: string) =>
        harness.produce(topic, order.id, {
          value: garbage,
          headers: envelopeHeaders({
            id: randomUUID(),
            type,
            source: 'chaos',
            time: new Date(),
            subject: order.id,
          }),
        });
      const poisonedInventory = await poison(TOPICS.inventoryEvents, EVENTS.InventoryReleased.type);
      const poisonedPayment = await poison(TOPICS.paymentEvents, EVENTS.PaymentRefunded.type);

      // What comes next on those partitions is handled: the cancellation's release and refund.
      await orders().call('cancelOrder', {
        orderId: order.id,
        callerUserId: order.userId,
        callerIsAdmin: false,
      });
      await harness.message(order.id, 'RefundPayment');
      await harness.pay('PaymentRefunded', {
        orderId: order.id,
        paymentId: randomUUID(),
        amountCents: order.totalCents,
        currency: 'EUR',
      });
      await orderWhen(orders(), order, 'is CANCELLED', (o) => o.status === OrderStatus.CANCELLED);

      for (const poisoned of [poisonedInventory, poisonedPayment]) {
        const letter = await waitForLetter(poisoned.topic, poisoned.id);
        expect(letter.key).toBe(order.id);
        expect(letter.value).toEqual(garbage);
        expect(letter.headers).toMatchObject({
          ce_id: poisoned.id,
          [DLT_HEADER.originalTopic]: poisoned.topic,
          [DLT_HEADER.originalPartition]: String(poisoned.partition),
          [DLT_HEADER.originalOffset]: poisoned.offset,
          [DLT_HEADER.consumer]: ORDER_GROUP,
          [DLT_HEADER.error]: expect.stringContaining('does not decode'),
          [DLT_HEADER.failedAt]: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        });
      }
    },
    LONG,
  );

  it(
    'a well-formed reply for an order that does not exist is dead-lettered at once',
    async () => {
      const orderId = randomUUID();
      const stray = await harness.pay('PaymentCaptured', {
        orderId,
        paymentId: randomUUID(),
        amountCents: 1,
        currency: 'EUR',
      });
      const letter = await waitForLetter(TOPICS.paymentEvents, stray.id);
      expect(letter.headers[DLT_HEADER.error]).toContain(`no saga for order ${orderId}`);
    },
    LONG,
  );
});

describe('timeouts (two instances with a 3 s deadline, so two sweepers)', () => {
  let short: OrderServiceProcess;
  let other: OrderServiceProcess;

  beforeAll(async () => {
    await service.stop();
    const env = { SAGA_TIMEOUT_MS: '3000', SAGA_SWEEP_INTERVAL_MS: '200' };
    [short, other] = await Promise.all([
      OrderServiceProcess.start(harness.inventoryPort, env),
      OrderServiceProcess.start(harness.inventoryPort, env),
    ]);
  }, LONG);

  afterAll(async () => {
    await Promise.all([short?.stop(), other?.stop()]);
    service = await OrderServiceProcess.start(harness.inventoryPort, { SAGA_TIMEOUT_MS: '120000' });
  }, LONG);

  it(
    'no payment answer: refund + release, CANCELLED(TIMEOUT) once both are acknowledged; a late capture is refunded',
    async () => {
      const product = await harness.product(10);
      const order = await placeOrder(short.orders, randomUUID(), [
        { productId: product.id, quantity: 2 },
      ]);
      await capturePaymentFor(order);
      // No answer: after 3 s the sweeper compensates whatever the capture may have done.
      await harness.message(order.id, 'RefundPayment', 1, 30_000);
      await harness.message(order.id, 'ReleaseInventory');
      await harness.pay('PaymentRefunded', {
        orderId: order.id,
        paymentId: '',
        amountCents: 0,
        currency: '',
      });
      const cancelled = await orderWhen(
        short.orders,
        order,
        'is CANCELLED',
        (o) => o.status === OrderStatus.CANCELLED,
      );
      expect(cancelled.cancellationReason).toBe(CancellationReason.TIMEOUT);
      expect(await harness.available(product.id)).toBe(10);
      expect((await timelineOf(short.orders, order)).map((e) => e.step)).toEqual([
        'ORDER_CREATED',
        'INVENTORY_RESERVED',
        'SAGA_TIMED_OUT',
        expect.stringMatching(/^(INVENTORY_RELEASED|PAYMENT_REFUNDED)$/),
        expect.stringMatching(/^(INVENTORY_RELEASED|PAYMENT_REFUNDED)$/),
        'ORDER_CANCELLED',
      ]);

      // The capture arrives after all: refunded, and the order stays CANCELLED.
      await harness.handled(await harness.pay('PaymentCaptured', captured(order)));
      await harness.message(order.id, 'RefundPayment', 2);
      const after = await orderWhen(short.orders, order, 'is read', () => true);
      expect(after.status).toBe(OrderStatus.CANCELLED);
      // Timed out once, by either sweeper: a refund for the timeout, one for the late capture.
      expect(await harness.outboxCounts(order.id)).toMatchObject({
        RefundPayment: 2,
        ReleaseInventory: 1,
        OrderCancelled: 1,
      });
      expect(harness.of(TOPICS.orderEvents, order.id, 'OrderConfirmed')).toEqual([]);
    },
    LONG,
  );
});

describe('a crash between the commit and the publish', () => {
  it('kill -9 right after CreateOrder, its messages unpublished: after a restart ReserveInventory is published and the saga completes', async () => {
    await service.stop();
    // Hold the relays' advisory lock: no relay on this database can publish until it is
    // released, so the crash lands between the commit and the publish for sure.
    const lock = new Client({ connectionString: databaseUrl('order') });
    await lock.connect();
    let order: orderV1.Order;
    try {
      await waitFor(
        'the outbox relay lock',
        async () =>
          (await lock.query(`SELECT pg_try_advisory_lock(hashtext('outbox-relay')) AS ok`)).rows[0]
            .ok === true,
        60_000,
      );
      const crashing = await OrderServiceProcess.start(harness.inventoryPort, {
        SAGA_TIMEOUT_MS: '120000',
      });
      const product = await harness.product(5);
      order = await placeOrder(crashing.orders, randomUUID(), [
        { productId: product.id, quantity: 1 },
      ]);
      const { rows } = await harness.db.query<{ published_at: Date | null }>(
        'SELECT published_at FROM outbox WHERE message_key = $1 AND event_type = $2',
        [order.id, EVENTS.ReserveInventory.type],
      );
      expect(rows).toEqual([{ published_at: null }]);
      await crashing.kill();
      expect(crashing.app.running).toBe(false);
    } finally {
      await lock.end();
    }

    service = await OrderServiceProcess.start(harness.inventoryPort, { SAGA_TIMEOUT_MS: '120000' });
    // Published by the new instance's relay; the saga goes on as if nothing happened.
    await harness.message(order.id, 'ReserveInventory', 1, 60_000);
    // Its consumer joins the group once the killed member's session has expired.
    await harness.message(order.id, 'CapturePayment', 1, 90_000);
    await capturePaymentFor(order);
    await harness.pay('PaymentCaptured', captured(order));
    await orderWhen(
      orders(),
      order,
      'is CONFIRMED',
      (o) => o.status === OrderStatus.CONFIRMED,
      90_000,
    );
    expect(await harness.outboxCounts(order.id)).toMatchObject({
      ReserveInventory: 1,
      CapturePayment: 1,
    });
  }, 240_000);
});

/** Waits for the dead letter of message `id` from `topic`. */
async function waitForLetter(topic: string, id: string): Promise<Seen> {
  const dlt = deadLetterTopic(topic);
  await waitFor(
    `${id} in ${dlt}`,
    async () => harness.seen.some((m) => m.topic === dlt && m.headers['ce_id'] === id),
    30_000,
    100,
  );
  return harness.seen.find((m) => m.topic === dlt && m.headers['ce_id'] === id) as Seen;
}
