import { createMetricsRegistry } from '@ecommerce/observability';
import { metricValue } from '@ecommerce/testing';
import { type OrderSnapshot, type SagaEvent, type SagaSnapshot, decide, startSaga } from '../domain/order-saga';
import { type SagaOutcome, SagaMetrics, sagaOutcome } from './saga-metrics';

const ORDER_ID = '0193a4c2-0000-7000-8000-000000000001';
const CREATED = new Date('2026-01-02T03:04:05.000Z');
const at = (seconds: number) => new Date(CREATED.getTime() + seconds * 1_000);

const placed: OrderSnapshot = {
  id: ORDER_ID,
  userId: '0193a4c2-0000-7000-8000-0000000000aa',
  status: 'PENDING',
  cancellationReason: null,
  totalCents: 2_500,
  currency: 'EUR',
  paymentMethod: 'pm_card_visa',
  createdAt: CREATED,
  items: [{ productId: '0193a4c2-0000-7000-8000-0000000000bb', quantity: 2, unitPriceCents: 1_250 }],
};

// decide() reads little of a reply's payload; these carry what it reads.
const reply = {
  InventoryReserved: { type: 'InventoryReserved', payload: { orderId: ORDER_ID } },
  InventoryRejected: { type: 'InventoryRejected', payload: { orderId: ORDER_ID, reason: 1, unavailable: [] } },
  InventoryReleased: { type: 'InventoryReleased', payload: { orderId: ORDER_ID } },
  PaymentCaptured: { type: 'PaymentCaptured', payload: { orderId: ORDER_ID, amountCents: 2_500, currency: 'EUR' } },
  PaymentDeclined: { type: 'PaymentDeclined', payload: { orderId: ORDER_ID, declineCode: 'card_declined' } },
  PaymentRefunded: { type: 'PaymentRefunded', payload: { orderId: ORDER_ID, amountCents: 2_500, currency: 'EUR' } },
} as unknown as Record<string, SagaEvent>;

/** Applies `steps` (an event at a second after creation) in turn, as SagaService does; returns the outcomes. */
function run(steps: Array<[SagaEvent, number]>): SagaOutcome[] {
  let saga: SagaSnapshot = startSaga(placed, CREATED, 30_000).saga;
  let order: OrderSnapshot = placed;
  const outcomes: SagaOutcome[] = [];
  for (const [event, second] of steps) {
    const decision = decide(saga, order, event, at(second));
    const outcome = sagaOutcome(order, decision, at(second));
    if (outcome) outcomes.push(outcome);
    saga = decision.saga;
    order = { ...order, ...decision.order };
  }
  return outcomes;
}

describe('sagaOutcome', () => {
  it('CONFIRMED, reason NONE, timed from the order placed to its confirmation', () => {
    expect(run([[reply.InventoryReserved, 1], [reply.PaymentCaptured, 2.5]])).toEqual([
      { status: 'CONFIRMED', reason: 'NONE', seconds: 2.5 },
    ]);
  });

  it('CANCELLED with the reason the order shows, once the last compensation is acknowledged', () => {
    expect(run([[reply.InventoryRejected, 1]])).toEqual([{ status: 'CANCELLED', reason: 'OUT_OF_STOCK', seconds: 1 }]);
    expect(run([[reply.InventoryReserved, 1], [reply.PaymentDeclined, 2], [reply.InventoryReleased, 3]])).toEqual([
      { status: 'CANCELLED', reason: 'PAYMENT_DECLINED', seconds: 3 },
    ]);
  });

  it('TIMEOUT from the deadline sweeper, counted when the compensation completes', () => {
    expect(run([[{ type: 'DeadlinePassed' }, 31], [reply.InventoryReleased, 32]])).toEqual([
      { status: 'CANCELLED', reason: 'TIMEOUT', seconds: 32 },
    ]);
  });

  it('CUSTOMER_REQUEST: a confirmed order its customer cancels counts as CONFIRMED, then as CANCELLED', () => {
    const outcomes = run([
      [reply.InventoryReserved, 1],
      [reply.PaymentCaptured, 2],
      [{ type: 'CancelRequested', reason: 'CUSTOMER_REQUEST' }, 10],
      [reply.PaymentRefunded, 11],
      [reply.InventoryReleased, 12],
    ]);
    expect(outcomes).toEqual([
      { status: 'CONFIRMED', reason: 'NONE', seconds: 2 },
      { status: 'CANCELLED', reason: 'CUSTOMER_REQUEST', seconds: 12 },
    ]);
    expect(
      run([
        [{ type: 'CancelRequested', reason: 'CUSTOMER_REQUEST' }, 1],
        [reply.InventoryReserved, 2],
        [reply.InventoryReleased, 3],
      ]),
    ).toEqual([{ status: 'CANCELLED', reason: 'CUSTOMER_REQUEST', seconds: 3 }]);
  });

  it('nothing for steps on the way, duplicates and replies that change nothing', () => {
    expect(run([[reply.InventoryReserved, 1], [reply.InventoryReserved, 2]])).toEqual([]);
    expect(
      run([[reply.InventoryReserved, 1], [reply.PaymentCaptured, 2], [reply.PaymentCaptured, 3], [reply.InventoryRejected, 4]]),
    ).toHaveLength(1);
  });
});

describe('SagaMetrics', () => {
  it('counts an outcome by status and reason and observes its duration by status', async () => {
    const registry = createMetricsRegistry('order-service');
    const metrics = new SagaMetrics(registry);
    metrics.record({ status: 'CONFIRMED', reason: 'NONE', seconds: 0.4 });
    metrics.record({ status: 'CANCELLED', reason: 'PAYMENT_DECLINED', seconds: 1.2 });
    metrics.record({ status: 'CONFIRMED', reason: 'NONE', seconds: 0.6 });
    const text = await registry.metrics();
    expect(metricValue(text, 'saga_outcomes_total', { status: 'CONFIRMED', reason: 'NONE' })).toBe(2);
    expect(metricValue(text, 'saga_outcomes_total', { status: 'CANCELLED', reason: 'PAYMENT_DECLINED' })).toBe(1);
    expect(metricValue(text, 'saga_duration_seconds_count', { status: 'CONFIRMED' })).toBe(2);
    expect(metricValue(text, 'saga_duration_seconds_sum', { status: 'CONFIRMED' })).toBeCloseTo(1);
    expect(metricValue(text, 'saga_duration_seconds_bucket', { status: 'CANCELLED', le: '1' })).toBe(0);
    expect(metricValue(text, 'saga_duration_seconds_bucket', { status: 'CANCELLED', le: '2.5' })).toBe(1);
  });
});
