import { Injectable } from '@nestjs/common';
import { counter, histogram, MetricsRegistry } from '@ecommerce/observability';
import type { Counter, Histogram } from 'prom-client';
import type { SagaDecision } from '../domain/order-saga';
import type { OrderStatus } from '../domain/order-state';

/** One order that reached a final status: what `saga_outcomes_total` and `saga_duration_seconds` count. */
export interface SagaOutcome {
  status: 'CONFIRMED' | 'CANCELLED';
  /** `NONE` for CONFIRMED; the cancellation reason (OUT_OF_STOCK, TIMEOUT...) for CANCELLED. */
  reason: string;
  /** From the order's creation to this status. */
  seconds: number;
}

/** Order created → confirmed or cancelled: from well under a second to the saga's timeout. */
const SAGA_SECONDS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * The outcome when `decision` moves the order into CONFIRMED or CANCELLED; undefined when its
 * status stays as it was (a step on the way, a duplicate, an ignored reply). A confirmed order
 * its customer cancels later reaches CANCELLED (CUSTOMER_REQUEST) too, and counts again.
 */
export function sagaOutcome(
  order: { status: OrderStatus; createdAt: Date },
  decision: Pick<SagaDecision, 'order'>,
  now: Date,
): SagaOutcome | undefined {
  const { status, cancellationReason } = decision.order;
  if (status === order.status || (status !== 'CONFIRMED' && status !== 'CANCELLED')) return undefined;
  const seconds = Math.max(now.getTime() - order.createdAt.getTime(), 0) / 1_000;
  return { status, reason: status === 'CONFIRMED' ? 'NONE' : (cancellationReason ?? 'UNKNOWN'), seconds };
}

/** `saga_outcomes_total{status,reason}` and `saga_duration_seconds{status}` on the process's registry. */
@Injectable()
export class SagaMetrics {
  private readonly outcomes: Counter<'status' | 'reason'>;
  private readonly duration: Histogram<'status'>;

  constructor(registry: MetricsRegistry) {
    this.outcomes = counter(registry, {
      name: 'saga_outcomes_total',
      help: 'Orders whose saga reached a final status: CONFIRMED (reason NONE) or CANCELLED (reason: why)',
      labelNames: ['status', 'reason'],
    });
    this.duration = histogram(registry, {
      name: 'saga_duration_seconds',
      help: 'From an order placed to its final status (CONFIRMED or CANCELLED), in seconds',
      labelNames: ['status'],
      buckets: SAGA_SECONDS_BUCKETS,
    });
  }

  /** Call once the change is committed (see afterCommit): a rolled-back step is never counted. */
  record({ status, reason, seconds }: SagaOutcome): void {
    this.outcomes.inc({ status, reason });
    this.duration.observe({ status }, seconds);
  }
}
