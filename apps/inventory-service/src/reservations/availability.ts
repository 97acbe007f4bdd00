import type { Line } from './reservation-command';

/** A locked stock row, as far as a reservation cares. */
export interface StockLevel {
  productId: string;
  available: number;
}

export interface UnavailableLine {
  productId: string;
  requested: number;
  /** Units available when checked (0 for a product that does not exist). */
  available: number;
}

/** Why a reservation is rejected for its stock (the `rejection_reason` enum of the database). */
export type StockRejectionReason = 'INSUFFICIENT_STOCK' | 'UNKNOWN_PRODUCT';

export type Availability =
  | { ok: true }
  | {
      ok: false;
      /** UNKNOWN_PRODUCT wins when both apply: restocking would not help that order. */
      reason: StockRejectionReason;
      unavailable: UnavailableLine[];
    };

/**
 * Whether every line fits into the stock levels (read under their row locks): all or nothing.
 * A line whose product has no stock row is an unknown product.
 */
export function checkAvailability(
  lines: readonly Line[],
  stock: readonly StockLevel[],
): Availability {
  const availableById = new Map(stock.map((row) => [row.productId, row.available]));
  let unknown = false;
  const unavailable: UnavailableLine[] = [];
  for (const { productId, quantity } of lines) {
    const available = availableById.get(productId);
    if (available === undefined) unknown = true;
    if (available === undefined || available < quantity) {
      unavailable.push({ productId, requested: quantity, available: available ?? 0 });
    }
  }
  if (unavailable.length === 0) return { ok: true };
  return { ok: false, reason: unknown ? 'UNKNOWN_PRODUCT' : 'INSUFFICIENT_STOCK', unavailable };
}
