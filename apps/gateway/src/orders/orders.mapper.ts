import { orderV1, paymentV1 } from '@ecommerce/contracts';
import type {
  CANCELLATION_REASONS,
  ORDER_STATUSES,
  OrderResponse,
  PAYMENT_STATUSES,
  PaymentResponse,
  TIMELINE_STEPS,
  TimelineResponse,
} from './orders.schemas';

type OrderStatus = (typeof ORDER_STATUSES)[number];
type CancellationReason = (typeof CANCELLATION_REASONS)[number];
type TimelineStep = (typeof TIMELINE_STEPS)[number];
type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

// The proto's enums, written out value by value: a value added to a proto fails to compile
// here until it is given a REST name, instead of leaking `ORDER_STATUS_...` to clients.
const ORDER_STATUS: Record<orderV1.OrderStatus, OrderStatus | undefined> = {
  [orderV1.OrderStatus.PENDING]: 'PENDING',
  [orderV1.OrderStatus.CONFIRMED]: 'CONFIRMED',
  [orderV1.OrderStatus.CANCELLED]: 'CANCELLED',
  [orderV1.OrderStatus.UNSPECIFIED]: undefined,
  [orderV1.OrderStatus.UNRECOGNIZED]: undefined,
};

/** The REST status filter, back to the proto enum. */
export const ORDER_STATUS_FILTER: Record<OrderStatus, orderV1.OrderStatus> = {
  PENDING: orderV1.OrderStatus.PENDING,
  CONFIRMED: orderV1.OrderStatus.CONFIRMED,
  CANCELLED: orderV1.OrderStatus.CANCELLED,
};

const CANCELLATION_REASON: Record<orderV1.CancellationReason, CancellationReason | undefined> = {
  [orderV1.CancellationReason.OUT_OF_STOCK]: 'OUT_OF_STOCK',
  [orderV1.CancellationReason.PAYMENT_DECLINED]: 'PAYMENT_DECLINED',
  [orderV1.CancellationReason.PAYMENT_ERROR]: 'PAYMENT_ERROR',
  [orderV1.CancellationReason.CUSTOMER_REQUEST]: 'CUSTOMER_REQUEST',
  [orderV1.CancellationReason.TIMEOUT]: 'TIMEOUT',
  [orderV1.CancellationReason.UNSPECIFIED]: undefined,
  [orderV1.CancellationReason.UNRECOGNIZED]: undefined,
};

const TIMELINE_STEP: Record<orderV1.TimelineStep, TimelineStep | undefined> = {
  [orderV1.TimelineStep.ORDER_CREATED]: 'ORDER_CREATED',
  [orderV1.TimelineStep.INVENTORY_RESERVED]: 'INVENTORY_RESERVED',
  [orderV1.TimelineStep.INVENTORY_REJECTED]: 'INVENTORY_REJECTED',
  [orderV1.TimelineStep.PAYMENT_CAPTURED]: 'PAYMENT_CAPTURED',
  [orderV1.TimelineStep.PAYMENT_DECLINED]: 'PAYMENT_DECLINED',
  [orderV1.TimelineStep.PAYMENT_FAILED]: 'PAYMENT_FAILED',
  [orderV1.TimelineStep.INVENTORY_COMMITTED]: 'INVENTORY_COMMITTED',
  [orderV1.TimelineStep.INVENTORY_RELEASED]: 'INVENTORY_RELEASED',
  [orderV1.TimelineStep.PAYMENT_REFUNDED]: 'PAYMENT_REFUNDED',
  [orderV1.TimelineStep.CANCELLATION_REQUESTED]: 'CANCELLATION_REQUESTED',
  [orderV1.TimelineStep.SAGA_TIMED_OUT]: 'SAGA_TIMED_OUT',
  [orderV1.TimelineStep.ORDER_CONFIRMED]: 'ORDER_CONFIRMED',
  [orderV1.TimelineStep.ORDER_CANCELLED]: 'ORDER_CANCELLED',
  [orderV1.TimelineStep.UNSPECIFIED]: undefined,
  [orderV1.TimelineStep.UNRECOGNIZED]: undefined,
};

const PAYMENT_STATUS: Record<paymentV1.PaymentStatus, PaymentStatus | undefined> = {
  [paymentV1.PaymentStatus.CAPTURED]: 'CAPTURED',
  [paymentV1.PaymentStatus.DECLINED]: 'DECLINED',
  [paymentV1.PaymentStatus.FAILED]: 'FAILED',
  [paymentV1.PaymentStatus.REFUNDED]: 'REFUNDED',
  [paymentV1.PaymentStatus.UNSPECIFIED]: undefined,
  [paymentV1.PaymentStatus.UNRECOGNIZED]: undefined,
};

function known<T>(value: T | undefined, what: string, raw: string): T {
  if (value === undefined) throw new Error(`backend sent ${what} ${raw}, which has no REST name`);
  return value;
}

export function toOrder(order: orderV1.Order | undefined): OrderResponse {
  if (!order) throw new Error('order-service answered without an order');
  const status = known(ORDER_STATUS[order.status], 'order status', order.status);
  const reason = CANCELLATION_REASON[order.cancellationReason];
  return {
    id: order.id,
    userId: order.userId,
    status,
    ...(status === 'CANCELLED' && reason ? { cancellationReason: reason } : {}),
    items: order.items.map((item) => ({
      productId: item.productId,
      quantity: item.quantity,
      unitPriceCents: item.unitPriceCents,
    })),
    totalCents: order.totalCents,
    currency: order.currency,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}

export function toTimeline(entries: orderV1.TimelineEntry[]): TimelineResponse {
  return entries.map((entry) => ({
    step: known(TIMELINE_STEP[entry.step], 'timeline step', entry.step),
    status: known(ORDER_STATUS[entry.status], 'order status', entry.status),
    at: entry.at,
    ...(entry.detail ? { detail: entry.detail } : {}),
  }));
}

export function toPayment(payment: paymentV1.Payment | undefined): PaymentResponse {
  if (!payment) throw new Error('payment-service answered without a payment');
  return {
    id: payment.id,
    orderId: payment.orderId,
    amountCents: payment.amountCents,
    currency: payment.currency,
    status: known(PAYMENT_STATUS[payment.status], 'payment status', payment.status),
    ...(payment.declineCode ? { declineCode: payment.declineCode } : {}),
    createdAt: payment.createdAt,
    updatedAt: payment.updatedAt,
  };
}
