import { orderV1 } from '@ecommerce/contracts';
import type { TimelineStepName } from '../domain/order-saga';
import type { OrderRow, TimelineRow } from './order.repository';

/** A row of the store as the `ecommerce.order.v1.Order` that orders/ answers with. */
export function toOrderMessage(order: OrderRow): orderV1.Order {
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

/** A timeline row as a `TimelineEntry`; a step or status the proto does not know is UNRECOGNIZED. */
export function toTimelineEntryMessage(entry: TimelineRow): orderV1.TimelineEntry {
  return {
    step: orderV1.TimelineStep[entry.step as TimelineStepName] ?? orderV1.TimelineStep.UNRECOGNIZED,
    status:
      orderV1.OrderStatus[entry.status as keyof typeof orderV1.OrderStatus] ??
      orderV1.OrderStatus.UNRECOGNIZED,
    at: entry.at.toISOString(),
    detail: entry.detail ?? '',
  };
}
