import { DomainError } from '@ecommerce/errors';

/** Where an order stands. The saga moves it; a customer sees it. */
export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED';

/** Why an order was cancelled (set exactly when it is CANCELLED). */
export type CancellationReason =
  | 'OUT_OF_STOCK'
  | 'PAYMENT_DECLINED'
  | 'PAYMENT_ERROR'
  | 'CUSTOMER_REQUEST'
  | 'TIMEOUT';

/** The code of the error {@link transition} throws; orders/orders.errors.ts gives it its gRPC status. */
export type OrderStateErrorCode = 'ORDER_TRANSITION_NOT_ALLOWED';

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
    throw new DomainError<OrderStateErrorCode>(
      'ORDER_TRANSITION_NOT_ALLOWED',
      from === to ? `the order is already ${from}` : `an order that is ${from} cannot become ${to}`,
    );
  }
  return to;
}
