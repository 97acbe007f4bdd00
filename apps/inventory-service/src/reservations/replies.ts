import { type EventPayload, inventoryEventsV1 } from '@ecommerce/contracts';
import type { UnavailableLine } from './availability';
import type { Line } from './reservation-command';

type ReplyName =
  | 'InventoryReserved'
  | 'InventoryRejected'
  | 'InventoryCommitted'
  | 'InventoryReleased';

/** The answer to a command, published on inventory.events.v1 through the outbox. */
export type Reply = { [N in ReplyName]: { event: N; payload: EventPayload<N> } }[ReplyName];

export type RejectionReason = 'INSUFFICIENT_STOCK' | 'UNKNOWN_PRODUCT' | 'ORDER_RELEASED';

export function reserved(orderId: string, lines: readonly Line[]): Reply {
  return { event: 'InventoryReserved', payload: { orderId, items: [...lines] } };
}

export function rejected(
  orderId: string,
  reason: RejectionReason,
  unavailable: readonly UnavailableLine[],
): Reply {
  return {
    event: 'InventoryRejected',
    payload: {
      orderId,
      reason: inventoryEventsV1.RejectionReason[reason],
      unavailable: [...unavailable],
    },
  };
}

export function committed(orderId: string): Reply {
  return { event: 'InventoryCommitted', payload: { orderId } };
}

/** `lines` is empty when the order held nothing. */
export function released(orderId: string, lines: readonly Line[]): Reply {
  return { event: 'InventoryReleased', payload: { orderId, items: [...lines] } };
}
