import type { inventoryEventsV1 } from '@ecommerce/contracts';
import { PoisonMessageError } from '@ecommerce/messaging';
import { isUuid } from '@ecommerce/validation';

/** A quantity of one product. Product ids that are UUIDs are lower-cased (Postgres prints them so). */
export interface Line {
  productId: string;
  quantity: number;
}

export interface ReserveRequest {
  orderId: string;
  lines: Line[];
}

/**
 * The order id of a command. Not a UUID: no reservation can ever be recorded for it, so the
 * message is poison (dead-lettered at once, not retried).
 */
export function orderIdOf(command: { orderId: string }): string {
  if (!isUuid(command.orderId)) {
    throw new PoisonMessageError(`order_id ${JSON.stringify(command.orderId)} is not a UUID`);
  }
  return command.orderId;
}

/**
 * A ReserveInventory as lines the service can act on, or poison: no lines, a quantity that is
 * not a positive whole number, or the same product twice (the order service never sends these;
 * guessing what was meant could reserve the wrong amount). An id that names no product is not
 * malformed: it is answered with UNKNOWN_PRODUCT.
 */
export function parseReserve(command: inventoryEventsV1.ReserveInventory): ReserveRequest {
  const orderId = orderIdOf(command);
  if (command.items.length === 0) throw new PoisonMessageError('ReserveInventory without items');
  const seen = new Set<string>();
  const lines = command.items.map(({ productId, quantity }) => {
    if (!Number.isInteger(quantity) || quantity < 1) {
      throw new PoisonMessageError(`quantity ${quantity} of product ${productId} is not ≥ 1`);
    }
    const id = isUuid(productId) ? productId.toLowerCase() : productId;
    if (seen.has(id)) throw new PoisonMessageError(`product ${productId} appears twice`);
    seen.add(id);
    return { productId: id, quantity };
  });
  return { orderId, lines };
}
