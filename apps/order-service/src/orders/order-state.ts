import type { OrderStatus } from '../generated/prisma/enums';
import { orderErrors } from './orders.errors';

/**
 * The order's status as an explicit state machine (after Vendure's): every change of
 * `orders.status` goes through {@link transition}, so no code path can, say, confirm a
 * cancelled order. CANCELLED is final; a CONFIRMED order can still be cancelled by its
 * customer (refund and stock return).
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PENDING: ['CONFIRMED', 'CANCELLED'],
  CONFIRMED: ['CANCELLED'],
  CANCELLED: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

/** Returns `to` when the move is allowed; throws ORDER_TRANSITION_NOT_ALLOWED otherwise. */
export function transition(from: OrderStatus, to: OrderStatus): OrderStatus {
  if (!canTransition(from, to)) {
    throw orderErrors.create(
      'ORDER_TRANSITION_NOT_ALLOWED',
      from === to ? `the order is already ${from}` : `an order that is ${from} cannot become ${to}`,
    );
  }
  return to;
}
