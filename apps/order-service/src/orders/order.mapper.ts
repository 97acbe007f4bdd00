import { orderV1 } from '@ecommerce/contracts';
import type { Order, OrderItem, OrderTimelineEntry } from '../generated/prisma/client';

export type OrderWithItems = Order & { items: OrderItem[] };

/** The saga steps a timeline entry can record (the proto's names without the prefix). */
export type TimelineStepName = Exclude<
  keyof typeof orderV1.TimelineStep,
  'UNSPECIFIED' | 'UNRECOGNIZED'
>;

export function toOrderMessage(order: OrderWithItems): orderV1.Order {
  return {
    id: order.id,
    userId: order.userId,
    status: orderV1.OrderStatus[order.status],
    cancellationReason: order.cancellationReason
      ? orderV1.CancellationReason[order.cancellationReason]
      : orderV1.CancellationReason.UNSPECIFIED,
    items: order.items.map((item) => ({
      productId: item.productId,
      quantity: item.quantity,
      unitPriceCents: item.unitPriceCents,
    })),
    totalCents: order.totalCents,
    currency: order.currency,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

export function toTimelineEntryMessage(entry: OrderTimelineEntry): orderV1.TimelineEntry {
  return {
    step: orderV1.TimelineStep[entry.step as TimelineStepName] ?? orderV1.TimelineStep.UNRECOGNIZED,
    status:
      orderV1.OrderStatus[entry.status as keyof typeof orderV1.OrderStatus] ??
      orderV1.OrderStatus.UNRECOGNIZED,
    at: entry.at.toISOString(),
    detail: entry.detail ?? '',
  };
}
