/**
 * The saga explorer's reading of an order's timeline (docs/saga.md): which service each step
 * happened in, which steps are the forward path and which undo it, and what is still to come
 * while the order is PENDING. Pure, so the drawing is tested without a browser.
 */
import type { Order, TimelineStep } from './api';

export type Service = 'order' | 'inventory' | 'payment' | 'notification';
export type Kind = 'forward' | 'failure' | 'compensation';

export interface DrawnStep {
  step: string;
  service: Service;
  kind: Kind;
  label: string;
  /** When it was recorded, or undefined for a step still to come. */
  at?: string;
  /** Milliseconds since the order was created. */
  sinceStartMs?: number;
  detail?: string;
}

const STEPS: Record<string, { service: Service; kind: Kind; label: string }> = {
  ORDER_CREATED: { service: 'order', kind: 'forward', label: 'Order placed' },
  INVENTORY_RESERVED: { service: 'inventory', kind: 'forward', label: 'Stock reserved' },
  PAYMENT_CAPTURED: { service: 'payment', kind: 'forward', label: 'Payment captured' },
  ORDER_CONFIRMED: { service: 'order', kind: 'forward', label: 'Order confirmed' },
  INVENTORY_COMMITTED: { service: 'inventory', kind: 'forward', label: 'Reservation committed' },
  INVENTORY_REJECTED: { service: 'inventory', kind: 'failure', label: 'Out of stock' },
  PAYMENT_DECLINED: { service: 'payment', kind: 'failure', label: 'Payment declined' },
  PAYMENT_FAILED: { service: 'payment', kind: 'failure', label: 'Payment failed' },
  CANCELLATION_REQUESTED: { service: 'order', kind: 'failure', label: 'Cancellation requested' },
  SAGA_TIMED_OUT: { service: 'order', kind: 'failure', label: 'Saga timed out' },
  INVENTORY_RELEASED: { service: 'inventory', kind: 'compensation', label: 'Stock released' },
  PAYMENT_REFUNDED: { service: 'payment', kind: 'compensation', label: 'Payment refunded' },
  ORDER_CANCELLED: { service: 'order', kind: 'compensation', label: 'Order cancelled' },
};

/** The happy path, drawn as "waiting" until each step is recorded. */
const FORWARD = ['ORDER_CREATED', 'INVENTORY_RESERVED', 'PAYMENT_CAPTURED', 'ORDER_CONFIRMED'];

export const NOTIFICATION_STEP = 'NOTIFICATION_SENT';

export interface SagaDrawing {
  /** Steps in the order they happened, then (while PENDING on the forward path) those to come. */
  steps: DrawnStep[];
  /** True once a step undid or stopped the forward path: the compensation is drawn apart. */
  compensated: boolean;
  durationMs?: number;
}

export function drawSaga(
  order: Pick<Order, 'status' | 'createdAt' | 'updatedAt'>,
  timeline: TimelineStep[],
  notifiedAt?: string,
): SagaDrawing {
  const start = Date.parse(order.createdAt);
  const since = (at: string) => Math.max(0, Date.parse(at) - start);
  const steps: DrawnStep[] = timeline.map(({ step, at, detail }) => {
    const known = STEPS[step] ?? {
      service: 'order' as const,
      kind: 'forward' as const,
      label: step,
    };
    return { step, ...known, at, sinceStartMs: since(at), ...(detail ? { detail } : {}) };
  });
  const compensated = steps.some((step) => step.kind !== 'forward');
  if (!compensated && order.status === 'PENDING') {
    const seen = new Set(steps.map((step) => step.step));
    for (const step of FORWARD.filter((name) => !seen.has(name)))
      steps.push({ step, ...STEPS[step] });
  }
  if (order.status !== 'PENDING') {
    const label = order.status === 'CONFIRMED' ? 'Confirmation email' : 'Cancellation email';
    steps.push({
      step: NOTIFICATION_STEP,
      service: 'notification',
      kind: 'forward',
      label,
      ...(notifiedAt ? { at: notifiedAt, sinceStartMs: since(notifiedAt) } : {}),
    });
  }
  const last = timeline.at(-1);
  return {
    steps,
    compensated,
    ...(order.status !== 'PENDING' && last ? { durationMs: since(last.at) } : {}),
  };
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** Jaeger's search for the order's spans: order-service tags its spans with `order.id`. */
export function jaegerSearchUrl(jaegerUrl: string, orderId: string): string {
  const tags = encodeURIComponent(JSON.stringify({ 'order.id': orderId }));
  return `${jaegerUrl.replace(/\/+$/, '')}/search?service=order-service&tags=${tags}&lookback=2d`;
}

/**
 * The order and its timeline as they stood after the first `count` steps (at least one): to
 * step through a saga that has run, at a reader's pace.
 */
export function sagaAsOf<O extends Pick<Order, 'status'>>(
  order: O,
  timeline: TimelineStep[],
  count: number,
): { order: O; timeline: TimelineStep[] } {
  const shown = timeline.slice(0, Math.max(1, count));
  return { order: { ...order, status: shown.at(-1)?.status ?? order.status }, timeline: shown };
}

/**
 * Whether the saga still moves: the order is PENDING, or it is CONFIRMED with a cancellation
 * recorded (its refund and stock release are under way, then it ends CANCELLED).
 */
export function sagaInProgress(order: Pick<Order, 'status'>, timeline: TimelineStep[]): boolean {
  if (order.status === 'PENDING') return true;
  return (
    order.status === 'CONFIRMED' && timeline.some(({ step }) => STEPS[step]?.kind !== 'forward')
  );
}
