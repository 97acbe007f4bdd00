import { inventoryEventsV1, orderV1 } from '@ecommerce/contracts';
import { type CancellationReason, type OrderStatus, canTransition } from './order-state';
import {
  type OrderSnapshot,
  type SagaDecision,
  type SagaEvent,
  type SagaSnapshot,
  decide,
  startSaga,
} from './order-saga';

const ORDER_ID = '0193a4c2-0000-7000-8000-000000000001';
const USER_ID = '0193a4c2-0000-7000-8000-0000000000aa';
const PRODUCT = '0193a4c2-0000-7000-8000-0000000000bb';
const CREATED = new Date('2026-01-02T03:04:05.000Z');
const DEADLINE = new Date('2026-01-02T03:04:35.000Z');
const BEFORE_DEADLINE = new Date('2026-01-02T03:04:10.000Z');
const AFTER_DEADLINE = new Date('2026-01-02T03:04:40.000Z');

const order = (
  status: OrderStatus = 'PENDING',
  reason: CancellationReason | null = null,
): OrderSnapshot => ({
  id: ORDER_ID,
  userId: USER_ID,
  status,
  cancellationReason: reason,
  totalCents: 2_500,
  currency: 'EUR',
  paymentMethod: 'pm_card_visa',
  createdAt: CREATED,
  items: [{ productId: PRODUCT, quantity: 2, unitPriceCents: 1_250 }],
});

const saga = (changes: Partial<SagaSnapshot> = {}): SagaSnapshot => ({
  state: 'RESERVING',
  cancelledWhile: null,
  awaitingRefund: false,
  awaitingRelease: false,
  cancellationReason: null,
  deadlineAt: DEADLINE,
  ...changes,
});

/** Every situation a saga can be in, with the order it belongs to. */
const SITUATIONS: Record<string, [SagaSnapshot, OrderSnapshot]> = {
  RESERVING: [saga(), order()],
  PAYING: [saga({ state: 'PAYING' }), order()],
  'CANCELLING while RESERVING': [
    saga({
      state: 'CANCELLING',
      cancelledWhile: 'RESERVING',
      cancellationReason: 'CUSTOMER_REQUEST',
    }),
    order(),
  ],
  'CANCELLING while PAYING': [
    saga({ state: 'CANCELLING', cancelledWhile: 'PAYING', cancellationReason: 'CUSTOMER_REQUEST' }),
    order(),
  ],
  'COMPENSATING a decline (release)': [
    saga({ state: 'COMPENSATING', awaitingRelease: true, cancellationReason: 'PAYMENT_DECLINED' }),
    order(),
  ],
  'COMPENSATING a timeout while PAYING (refund, release)': [
    saga({
      state: 'COMPENSATING',
      awaitingRefund: true,
      awaitingRelease: true,
      cancellationReason: 'TIMEOUT',
    }),
    order(),
  ],
  'COMPENSATING a timeout while PAYING (refund; release acknowledged)': [
    saga({ state: 'COMPENSATING', awaitingRefund: true, cancellationReason: 'TIMEOUT' }),
    order(),
  ],
  'COMPENSATING a cancelled CONFIRMED order (refund, release)': [
    saga({
      state: 'COMPENSATING',
      awaitingRefund: true,
      awaitingRelease: true,
      cancellationReason: 'CUSTOMER_REQUEST',
    }),
    order('CONFIRMED'),
  ],
  'DONE, CONFIRMED': [saga({ state: 'DONE' }), order('CONFIRMED')],
  'DONE, CANCELLED': [saga({ state: 'DONE' }), order('CANCELLED', 'PAYMENT_DECLINED')],
};

const EVENTS: Record<string, [SagaEvent, Date]> = {
  InventoryReserved: [
    {
      type: 'InventoryReserved',
      payload: { orderId: ORDER_ID, items: [{ productId: PRODUCT, quantity: 2 }] },
    },
    BEFORE_DEADLINE,
  ],
  InventoryRejected: [
    {
      type: 'InventoryRejected',
      payload: {
        orderId: ORDER_ID,
        reason: inventoryEventsV1.RejectionReason.INSUFFICIENT_STOCK,
        unavailable: [{ productId: PRODUCT, requested: 2, available: 1 }],
      },
    },
    BEFORE_DEADLINE,
  ],
  InventoryCommitted: [
    { type: 'InventoryCommitted', payload: { orderId: ORDER_ID } },
    BEFORE_DEADLINE,
  ],
  InventoryReleased: [
    { type: 'InventoryReleased', payload: { orderId: ORDER_ID, items: [] } },
    BEFORE_DEADLINE,
  ],
  PaymentCaptured: [
    {
      type: 'PaymentCaptured',
      payload: { orderId: ORDER_ID, paymentId: 'pay-1', amountCents: 2_500, currency: 'EUR' },
    },
    BEFORE_DEADLINE,
  ],
  PaymentDeclined: [
    {
      type: 'PaymentDeclined',
      payload: { orderId: ORDER_ID, paymentId: 'pay-1', declineCode: 'card_declined' },
    },
    BEFORE_DEADLINE,
  ],
  PaymentFailed: [
    {
      type: 'PaymentFailed',
      payload: { orderId: ORDER_ID, paymentId: 'pay-1', error: 'processing_error', attempts: 4 },
    },
    BEFORE_DEADLINE,
  ],
  PaymentRefunded: [
    {
      type: 'PaymentRefunded',
      payload: { orderId: ORDER_ID, paymentId: 'pay-1', amountCents: 2_500, currency: 'EUR' },
    },
    BEFORE_DEADLINE,
  ],
  CancelRequested: [{ type: 'CancelRequested', reason: 'CUSTOMER_REQUEST' }, BEFORE_DEADLINE],
  'DeadlinePassed (after it)': [{ type: 'DeadlinePassed' }, AFTER_DEADLINE],
  'DeadlinePassed (too early)': [{ type: 'DeadlinePassed' }, BEFORE_DEADLINE],
};

/** A decision in one line: outcome, then saga and order, timeline steps and messages sent. */
function summary({
  outcome,
  refusal,
  saga: next,
  order: o,
  timeline,
  messages,
}: SagaDecision): string {
  if (outcome === 'ignored') return 'ignored';
  if (outcome === 'refused') return `refused ${refusal}`;
  const awaiting = [next.awaitingRefund && 'refund', next.awaitingRelease && 'release'].filter(
    Boolean,
  );
  const sagaText =
    next.state === 'CANCELLING'
      ? `CANCELLING(${next.cancellationReason} while ${next.cancelledWhile})`
      : next.state === 'COMPENSATING'
        ? `COMPENSATING(${next.cancellationReason}: ${awaiting.join(', ')})`
        : next.state;
  const orderText = o.status === 'CANCELLED' ? `CANCELLED(${o.cancellationReason})` : o.status;
  return [
    `${outcome}: ${sagaText}, order ${orderText}`,
    timeline.map((entry) => entry.step).join(', ') || '-',
    messages.map((message) => message.name).join(', ') || '-',
  ].join(' | ');
}

/**
 * The whole protocol, state × event. Read a row as: "a saga in <situation> that receives
 * <event> → outcome: next saga state, order status | timeline steps | messages sent".
 */
const EXPECTED: Record<string, Record<string, string>> = {
  RESERVING: {
    InventoryReserved: 'applied: PAYING, order PENDING | INVENTORY_RESERVED | CapturePayment',
    InventoryRejected:
      'applied: DONE, order CANCELLED(OUT_OF_STOCK) | INVENTORY_REJECTED, ORDER_CANCELLED | OrderCancelled',
    InventoryCommitted: 'ignored',
    InventoryReleased: 'ignored',
    // A charge nobody asked for yet: refunding it could refund the capture this saga is about to ask for.
    PaymentCaptured: 'ignored',
    PaymentDeclined: 'ignored',
    PaymentFailed: 'ignored',
    PaymentRefunded: 'ignored',
    CancelRequested:
      'applied: CANCELLING(CUSTOMER_REQUEST while RESERVING), order PENDING | CANCELLATION_REQUESTED | -',
    'DeadlinePassed (after it)':
      'applied: COMPENSATING(TIMEOUT: release), order PENDING | SAGA_TIMED_OUT | ReleaseInventory',
    'DeadlinePassed (too early)': 'ignored',
  },
  PAYING: {
    InventoryReserved: 'ignored',
    InventoryRejected: 'ignored',
    InventoryCommitted: 'ignored',
    InventoryReleased: 'ignored',
    PaymentCaptured:
      'applied: DONE, order CONFIRMED | PAYMENT_CAPTURED, ORDER_CONFIRMED | CommitReservation, OrderConfirmed',
    PaymentDeclined:
      'applied: COMPENSATING(PAYMENT_DECLINED: release), order PENDING | PAYMENT_DECLINED | ReleaseInventory',
    PaymentFailed:
      'applied: COMPENSATING(PAYMENT_ERROR: release), order PENDING | PAYMENT_FAILED | ReleaseInventory',
    PaymentRefunded: 'ignored',
    CancelRequested:
      'applied: CANCELLING(CUSTOMER_REQUEST while PAYING), order PENDING | CANCELLATION_REQUESTED | -',
    'DeadlinePassed (after it)':
      'applied: COMPENSATING(TIMEOUT: refund, release), order PENDING | SAGA_TIMED_OUT | RefundPayment, ReleaseInventory',
    'DeadlinePassed (too early)': 'ignored',
  },
  'CANCELLING while RESERVING': {
    InventoryReserved:
      'applied: COMPENSATING(CUSTOMER_REQUEST: release), order PENDING | INVENTORY_RESERVED | ReleaseInventory',
    InventoryRejected:
      'applied: DONE, order CANCELLED(CUSTOMER_REQUEST) | INVENTORY_REJECTED, ORDER_CANCELLED | OrderCancelled',
    InventoryCommitted: 'ignored',
    InventoryReleased: 'ignored',
    PaymentCaptured: 'ignored',
    PaymentDeclined: 'ignored',
    PaymentFailed: 'ignored',
    PaymentRefunded: 'ignored',
    CancelRequested: 'ignored',
    // The customer asked first: the reason stays theirs.
    'DeadlinePassed (after it)':
      'applied: COMPENSATING(CUSTOMER_REQUEST: release), order PENDING | SAGA_TIMED_OUT | ReleaseInventory',
    'DeadlinePassed (too early)': 'ignored',
  },
  'CANCELLING while PAYING': {
    // A second report of the reservation this saga already has: the payment reply decides.
    InventoryReserved: 'ignored',
    InventoryRejected: 'ignored',
    InventoryCommitted: 'ignored',
    InventoryReleased: 'ignored',
    PaymentCaptured:
      'applied: COMPENSATING(CUSTOMER_REQUEST: refund, release), order PENDING | PAYMENT_CAPTURED | RefundPayment, ReleaseInventory',
    PaymentDeclined:
      'applied: COMPENSATING(CUSTOMER_REQUEST: release), order PENDING | PAYMENT_DECLINED | ReleaseInventory',
    PaymentFailed:
      'applied: COMPENSATING(CUSTOMER_REQUEST: release), order PENDING | PAYMENT_FAILED | ReleaseInventory',
    PaymentRefunded: 'ignored',
    CancelRequested: 'ignored',
    'DeadlinePassed (after it)':
      'applied: COMPENSATING(CUSTOMER_REQUEST: refund, release), order PENDING | SAGA_TIMED_OUT | RefundPayment, ReleaseInventory',
    'DeadlinePassed (too early)': 'ignored',
  },
  'COMPENSATING a decline (release)': {
    // The release on its way covers it.
    InventoryReserved: 'ignored',
    InventoryRejected: 'ignored',
    InventoryCommitted: 'ignored',
    InventoryReleased:
      'applied: DONE, order CANCELLED(PAYMENT_DECLINED) | INVENTORY_RELEASED, ORDER_CANCELLED | OrderCancelled',
    // Contradicts the decline, but money is never kept for an order being cancelled.
    PaymentCaptured:
      'compensated: COMPENSATING(PAYMENT_DECLINED: release), order PENDING | PAYMENT_CAPTURED | RefundPayment',
    PaymentDeclined: 'ignored',
    PaymentFailed: 'ignored',
    PaymentRefunded: 'ignored',
    CancelRequested: 'ignored',
    'DeadlinePassed (after it)': 'ignored',
    'DeadlinePassed (too early)': 'ignored',
  },
  'COMPENSATING a timeout while PAYING (refund, release)': {
    InventoryReserved: 'ignored',
    InventoryRejected: 'ignored',
    InventoryCommitted: 'ignored',
    InventoryReleased:
      'applied: COMPENSATING(TIMEOUT: refund), order PENDING | INVENTORY_RELEASED | -',
    // The refund on its way covers it (payment handles it after the capture).
    PaymentCaptured: 'ignored',
    PaymentDeclined: 'ignored',
    PaymentFailed: 'ignored',
    PaymentRefunded:
      'applied: COMPENSATING(TIMEOUT: release), order PENDING | PAYMENT_REFUNDED | -',
    CancelRequested: 'ignored',
    'DeadlinePassed (after it)': 'ignored',
    'DeadlinePassed (too early)': 'ignored',
  },
  'COMPENSATING a timeout while PAYING (refund; release acknowledged)': {
    InventoryReserved:
      'compensated: COMPENSATING(TIMEOUT: refund), order PENDING | INVENTORY_RESERVED | ReleaseInventory',
    InventoryRejected: 'ignored',
    InventoryCommitted: 'ignored',
    InventoryReleased: 'ignored',
    PaymentCaptured: 'ignored',
    PaymentDeclined: 'ignored',
    PaymentFailed: 'ignored',
    PaymentRefunded:
      'applied: DONE, order CANCELLED(TIMEOUT) | PAYMENT_REFUNDED, ORDER_CANCELLED | OrderCancelled',
    CancelRequested: 'ignored',
    'DeadlinePassed (after it)': 'ignored',
    'DeadlinePassed (too early)': 'ignored',
  },
  'COMPENSATING a cancelled CONFIRMED order (refund, release)': {
    InventoryReserved: 'ignored',
    InventoryRejected: 'ignored',
    // Sent before the cancellation: still a fact worth recording.
    InventoryCommitted:
      'applied: COMPENSATING(CUSTOMER_REQUEST: refund, release), order CONFIRMED | INVENTORY_COMMITTED | -',
    InventoryReleased:
      'applied: COMPENSATING(CUSTOMER_REQUEST: refund), order CONFIRMED | INVENTORY_RELEASED | -',
    PaymentCaptured: 'ignored',
    PaymentDeclined: 'ignored',
    PaymentFailed: 'ignored',
    PaymentRefunded:
      'applied: COMPENSATING(CUSTOMER_REQUEST: release), order CONFIRMED | PAYMENT_REFUNDED | -',
    CancelRequested: 'ignored',
    'DeadlinePassed (after it)': 'ignored',
    'DeadlinePassed (too early)': 'ignored',
  },
  'DONE, CONFIRMED': {
    InventoryReserved: 'ignored',
    InventoryRejected: 'ignored',
    InventoryCommitted: 'applied: DONE, order CONFIRMED | INVENTORY_COMMITTED | -',
    InventoryReleased: 'ignored',
    // The same charge reported again (payment charges an order once): nothing to refund.
    PaymentCaptured: 'ignored',
    PaymentDeclined: 'ignored',
    PaymentFailed: 'ignored',
    PaymentRefunded: 'ignored',
    CancelRequested:
      'applied: COMPENSATING(CUSTOMER_REQUEST: refund, release), order CONFIRMED | CANCELLATION_REQUESTED | RefundPayment, ReleaseInventory',
    'DeadlinePassed (after it)': 'ignored',
    'DeadlinePassed (too early)': 'ignored',
  },
  'DONE, CANCELLED': {
    InventoryReserved:
      'compensated: DONE, order CANCELLED(PAYMENT_DECLINED) | INVENTORY_RESERVED | ReleaseInventory',
    InventoryRejected: 'ignored',
    InventoryCommitted: 'ignored',
    InventoryReleased: 'ignored',
    PaymentCaptured:
      'compensated: DONE, order CANCELLED(PAYMENT_DECLINED) | PAYMENT_CAPTURED | RefundPayment',
    PaymentDeclined: 'ignored',
    PaymentFailed: 'ignored',
    PaymentRefunded: 'ignored',
    CancelRequested: 'refused ORDER_ALREADY_CANCELLED',
    'DeadlinePassed (after it)': 'ignored',
    'DeadlinePassed (too early)': 'ignored',
  },
};

/** The CHECK constraints of order_sagas (migration 20261127061453), as a predicate. */
function satisfiesSagaChecks(s: SagaSnapshot): boolean {
  const cancelledWhileOk =
    (s.state === 'CANCELLING') === (s.cancelledWhile !== null) &&
    (s.cancelledWhile === null ||
      s.cancelledWhile === 'RESERVING' ||
      s.cancelledWhile === 'PAYING');
  const reasonOk =
    (s.state === 'CANCELLING' || s.state === 'COMPENSATING') === (s.cancellationReason !== null);
  const awaitingOk = (s.state === 'COMPENSATING') === (s.awaitingRefund || s.awaitingRelease);
  return cancelledWhileOk && reasonOk && awaitingOk;
}

const CASES = Object.keys(SITUATIONS).flatMap((situation) =>
  Object.keys(EVENTS).map((event) => [situation, event] as const),
);

describe('decide: every situation × every event', () => {
  it('has an expectation for every pair', () => {
    for (const [situation, event] of CASES) expect(EXPECTED[situation]?.[event]).toBeDefined();
  });

  it.each(CASES)('%s + %s', (situation, event) => {
    const [sagaBefore, orderBefore] = SITUATIONS[situation] as [SagaSnapshot, OrderSnapshot];
    const [input, now] = EVENTS[event] as [SagaEvent, Date];
    const decision = decide(sagaBefore, orderBefore, input, now);
    expect(summary(decision)).toBe(EXPECTED[situation]?.[event]);

    // Whatever the pair, the result is a saga row the database accepts and a legal order move.
    expect(satisfiesSagaChecks(decision.saga)).toBe(true);
    if (decision.order.status !== orderBefore.status) {
      expect(canTransition(orderBefore.status, decision.order.status)).toBe(true);
    }
    expect(decision.order.cancellationReason !== null).toBe(decision.order.status === 'CANCELLED');
    if (decision.outcome === 'ignored' || decision.outcome === 'refused') {
      expect(decision.saga).toBe(sagaBefore);
      expect(decision.order).toEqual({
        status: orderBefore.status,
        cancellationReason: orderBefore.cancellationReason,
      });
      expect(decision.timeline).toEqual([]);
      expect(decision.messages).toEqual([]);
      expect(decision.note).toEqual(expect.any(String));
    }
    if (decision.outcome === 'compensated') {
      expect(decision.saga).toBe(sagaBefore);
      expect(decision.order.status).toBe(orderBefore.status);
    }
    // Timeline entries carry the status the order had once they were written: the last one the new status.
    const last = decision.timeline[decision.timeline.length - 1];
    if (last) expect(last.status).toBe(decision.order.status);
    for (const message of decision.messages) expect(message.payload.orderId).toBe(ORDER_ID);
  });
});

describe('the messages the saga sends', () => {
  it('starts with ReserveInventory (the lines) and OrderCreated, RESERVING until the deadline', () => {
    const start = startSaga(order(), CREATED, 30_000);
    expect(start.saga).toEqual(saga({ deadlineAt: new Date(CREATED.getTime() + 30_000) }));
    expect(start.timeline).toEqual([{ step: 'ORDER_CREATED', status: 'PENDING' }]);
    expect(start.messages).toEqual([
      {
        name: 'ReserveInventory',
        payload: { orderId: ORDER_ID, items: [{ productId: PRODUCT, quantity: 2 }] },
      },
      {
        name: 'OrderCreated',
        payload: {
          orderId: ORDER_ID,
          userId: USER_ID,
          items: [{ productId: PRODUCT, quantity: 2, unitPriceCents: 1_250 }],
          totalCents: 2_500,
          currency: 'EUR',
          createdAt: CREATED.toISOString(),
        },
      },
    ]);
  });

  it('asks payment for the total, in the order’s currency, with its payment method and owner', () => {
    const [reserved, now] = EVENTS['InventoryReserved'] as [SagaEvent, Date];
    expect(decide(saga(), order(), reserved, now).messages).toEqual([
      {
        name: 'CapturePayment',
        payload: {
          orderId: ORDER_ID,
          userId: USER_ID,
          amountCents: 2_500,
          currency: 'EUR',
          paymentMethod: 'pm_card_visa',
        },
      },
    ]);
  });

  it('announces a confirmation and a cancellation with owner, total, currency, reason and time', () => {
    const [captured, now] = EVENTS['PaymentCaptured'] as [SagaEvent, Date];
    expect(decide(saga({ state: 'PAYING' }), order(), captured, now).messages).toEqual([
      { name: 'CommitReservation', payload: { orderId: ORDER_ID } },
      {
        name: 'OrderConfirmed',
        payload: {
          orderId: ORDER_ID,
          userId: USER_ID,
          totalCents: 2_500,
          currency: 'EUR',
          confirmedAt: now.toISOString(),
        },
      },
    ]);
    const [rejected] = EVENTS['InventoryRejected'] as [SagaEvent, Date];
    expect(decide(saga(), order(), rejected, now).messages).toEqual([
      {
        name: 'OrderCancelled',
        payload: {
          orderId: ORDER_ID,
          userId: USER_ID,
          totalCents: 2_500,
          currency: 'EUR',
          reason: orderV1.CancellationReason.OUT_OF_STOCK,
          cancelledAt: now.toISOString(),
        },
      },
    ]);
  });

  it('writes the decline code, the payment error, the short lines and the refund in the timeline', () => {
    const detailOf = (situation: string, event: string) => {
      const [s, o] = SITUATIONS[situation] as [SagaSnapshot, OrderSnapshot];
      const [input, now] = EVENTS[event] as [SagaEvent, Date];
      return decide(s, o, input, now).timeline[0];
    };
    expect(detailOf('PAYING', 'PaymentDeclined')).toEqual({
      step: 'PAYMENT_DECLINED',
      status: 'PENDING',
      detail: 'card_declined',
    });
    expect(detailOf('PAYING', 'PaymentFailed')?.detail).toBe('processing_error (after 4 attempts)');
    expect(detailOf('RESERVING', 'InventoryRejected')?.detail).toBe(
      `INSUFFICIENT_STOCK: ${PRODUCT} requested 2, available 1`,
    );
    expect(
      detailOf('COMPENSATING a timeout while PAYING (refund, release)', 'PaymentRefunded')?.detail,
    ).toBe('2500 EUR refunded');
    expect(detailOf('PAYING', 'CancelRequested')).toEqual({
      step: 'CANCELLATION_REQUESTED',
      status: 'PENDING',
      detail: 'CUSTOMER_REQUEST',
    });
  });
});

/** Feeds events to a saga one after another, as the consumer would under the row lock. */
function run(
  events: Array<SagaEvent | 'deadline'>,
  start: [SagaSnapshot, OrderSnapshot] = [saga(), order()],
) {
  let [s, o] = start;
  const decisions: SagaDecision[] = [];
  for (const item of events) {
    const [event, now] =
      item === 'deadline'
        ? [{ type: 'DeadlinePassed' } as SagaEvent, AFTER_DEADLINE]
        : [item, BEFORE_DEADLINE];
    const decision = decide(s, o, event, now);
    decisions.push(decision);
    s = decision.saga;
    o = { ...o, ...decision.order };
  }
  return {
    saga: s,
    order: o,
    outcomes: decisions.map((d) => d.outcome),
    steps: decisions.flatMap((d) => d.timeline.map((entry) => entry.step)),
    sent: decisions.flatMap((d) => d.messages.map((m) => m.name)),
  };
}

const reply = (name: string) => (EVENTS[name] as [SagaEvent, Date])[0];
const cancel = reply('CancelRequested');

describe('whole sagas', () => {
  it('happy path: reserved, captured → CONFIRMED, stock committed', () => {
    const result = run([
      reply('InventoryReserved'),
      reply('PaymentCaptured'),
      reply('InventoryCommitted'),
    ]);
    expect(result.order.status).toBe('CONFIRMED');
    expect(result.saga.state).toBe('DONE');
    expect(result.steps).toEqual([
      'INVENTORY_RESERVED',
      'PAYMENT_CAPTURED',
      'ORDER_CONFIRMED',
      'INVENTORY_COMMITTED',
    ]);
    expect(result.sent).toEqual(['CapturePayment', 'CommitReservation', 'OrderConfirmed']);
  });

  it('declined: stock released first, CANCELLED(PAYMENT_DECLINED) only once the release is acknowledged', () => {
    const declined = run([reply('InventoryReserved'), reply('PaymentDeclined')]);
    expect(declined.order.status).toBe('PENDING');
    const result = run([
      reply('InventoryReserved'),
      reply('PaymentDeclined'),
      reply('InventoryReleased'),
    ]);
    expect(result.order).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'PAYMENT_DECLINED',
    });
    expect(result.sent).toEqual(['CapturePayment', 'ReleaseInventory', 'OrderCancelled']);
  });

  it('every reply of the happy path reported twice (a participant answering again): one effect', () => {
    const once = run([reply('InventoryReserved'), reply('PaymentCaptured')]);
    const twice = run([
      reply('InventoryReserved'),
      reply('InventoryReserved'),
      reply('PaymentCaptured'),
      reply('PaymentCaptured'),
    ]);
    expect(twice.outcomes).toEqual(['applied', 'ignored', 'applied', 'ignored']);
    expect(twice.sent).toEqual(once.sent);
    expect(twice.steps).toEqual(once.steps);
  });

  it('every compensation acknowledged twice: the order is cancelled once', () => {
    const result = run([
      reply('InventoryReserved'),
      reply('PaymentCaptured'),
      cancel,
      reply('PaymentRefunded'),
      reply('PaymentRefunded'),
      reply('InventoryReleased'),
      reply('InventoryReleased'),
    ]);
    expect(result.outcomes).toEqual([
      'applied',
      'applied',
      'applied',
      'applied',
      'ignored',
      'applied',
      'ignored',
    ]);
    expect(result.sent.filter((name) => name === 'OrderCancelled')).toHaveLength(1);
    expect(result.order).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'CUSTOMER_REQUEST',
    });
  });

  describe('cancel racing confirm: whichever takes the row lock first, exactly one terminal state', () => {
    it('confirm first: CONFIRMED, then refunded, released → CANCELLED(CUSTOMER_REQUEST)', () => {
      const result = run([
        reply('InventoryReserved'),
        reply('PaymentCaptured'),
        cancel,
        reply('InventoryCommitted'),
        reply('PaymentRefunded'),
        reply('InventoryReleased'),
      ]);
      expect(result.order).toMatchObject({
        status: 'CANCELLED',
        cancellationReason: 'CUSTOMER_REQUEST',
      });
      expect(result.sent).toEqual([
        'CapturePayment',
        'CommitReservation',
        'OrderConfirmed',
        'RefundPayment',
        'ReleaseInventory',
        'OrderCancelled',
      ]);
    });

    it('cancel first: the capture is refunded instead of confirmed; never CONFIRMED', () => {
      const result = run([
        reply('InventoryReserved'),
        cancel,
        reply('PaymentCaptured'),
        reply('InventoryReleased'),
        reply('PaymentRefunded'),
      ]);
      expect(result.order).toMatchObject({
        status: 'CANCELLED',
        cancellationReason: 'CUSTOMER_REQUEST',
      });
      expect(result.sent).toEqual([
        'CapturePayment',
        'RefundPayment',
        'ReleaseInventory',
        'OrderCancelled',
      ]);
      expect(result.steps).not.toContain('ORDER_CONFIRMED');
    });
  });

  it('cancel while RESERVING: the reservation that arrives is released, then CANCELLED(CUSTOMER_REQUEST)', () => {
    const result = run([cancel, reply('InventoryReserved'), reply('InventoryReleased')]);
    expect(result.order).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'CUSTOMER_REQUEST',
    });
    expect(result.sent).toEqual(['ReleaseInventory', 'OrderCancelled']);
  });

  it('timeout while PAYING: refund and release at once, CANCELLED(TIMEOUT) after both; a late capture is refunded', () => {
    const result = run([
      reply('InventoryReserved'),
      'deadline',
      reply('InventoryReleased'),
      reply('PaymentRefunded'),
      reply('PaymentCaptured'),
    ]);
    expect(result.order).toMatchObject({ status: 'CANCELLED', cancellationReason: 'TIMEOUT' });
    expect(result.sent).toEqual([
      'CapturePayment',
      'RefundPayment',
      'ReleaseInventory',
      'OrderCancelled',
      'RefundPayment',
    ]);
    expect(result.outcomes[4]).toBe('compensated');
  });

  it('timeout while RESERVING: released at once; a reservation reported before the release is covered by it', () => {
    const result = run(['deadline', reply('InventoryReserved'), reply('InventoryReleased')]);
    expect(result.order).toMatchObject({ status: 'CANCELLED', cancellationReason: 'TIMEOUT' });
    expect(result.sent).toEqual(['ReleaseInventory', 'OrderCancelled']);
  });

  it('a second deadline, or a cancellation, of a saga that is compensating changes nothing', () => {
    const result = run([reply('InventoryReserved'), 'deadline', 'deadline', cancel]);
    expect(result.outcomes).toEqual(['applied', 'applied', 'ignored', 'ignored']);
  });

  it('refuses to cancel a cancelled order, and confirming one is impossible', () => {
    const result = run([reply('InventoryRejected'), cancel, reply('PaymentCaptured')]);
    expect(result.outcomes).toEqual(['applied', 'refused', 'compensated']);
    expect(result.order.status).toBe('CANCELLED');
  });
});
