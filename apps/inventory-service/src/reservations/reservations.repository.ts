import { Injectable } from '@nestjs/common';
import { isUuid } from '@ecommerce/validation';
import type { SameType } from '@ecommerce/database';
import type { Tx } from '../database';
import type {
  RejectionReason as DbRejectionReason,
  ReservationStatus as DbReservationStatus,
} from '../generated/prisma/client';
import type { StockLevel, StockRejectionReason, UnavailableLine } from './availability';
import type { Line } from './reservation-command';
import type { ReservationStatus, StockMove } from './reservation-state';

/** An order's reservation as the saga steps read it ({@link ReservationsRepository.lock}). */
export interface ReservationRecord {
  id: string;
  status: ReservationStatus;
  rejectionReason: StockRejectionReason | null;
  /** The short lines of a REJECTED reservation, as `recordRejected` wrote them; null otherwise. */
  unavailable: unknown;
  lines: Line[];
}

// The domain's unions are the database's enums: a value added to schema.prisma and not to the
// domain, or the other way round, fails `npm run typecheck` here.
const _statusesMatch: SameType<ReservationStatus, DbReservationStatus> = true;
const _reasonsMatch: SameType<StockRejectionReason, DbRejectionReason> = true;

// The column names come from the StockColumn union, never from a message.
const moveSql = ({ from, to }: StockMove) => `
  UPDATE stock AS s
  SET "${from}" = s."${from}" - l.quantity, "${to}" = s."${to}" + l.quantity, updated_at = now()
  FROM unnest($1::uuid[], $2::int[]) AS l(product_id, quantity)
  WHERE s.product_id = l.product_id`;

/**
 * The reservations (`reservations`, `reservation_lines`) and the stock rows they move. Every
 * method runs in the caller's transaction, the inbox transaction of the command, so a saga step
 * is all or nothing.
 */
@Injectable()
export class ReservationsRepository {
  /**
   * The order's reservation with its lines, row-locked until the transaction ends, in one
   * statement; undefined when it has none. A command that waited for the lock reads the row as
   * the other left it (a locking read re-reads the row it locks); the lines never change.
   */
  async lock(tx: Tx, orderId: string): Promise<ReservationRecord | undefined> {
    const [record] = await tx.$queryRaw<ReservationRecord[]>`
    SELECT r.id::text, r.status::text, r.rejection_reason::text AS "rejectionReason", r.unavailable,
           (SELECT coalesce(json_agg(json_build_object('productId', l.product_id,
                                                       'quantity', l.quantity)), '[]')
              FROM reservation_lines l WHERE l.reservation_id = r.id) AS lines
    FROM reservations r
    WHERE r.order_id = ${orderId}::uuid
    FOR UPDATE`;
    return record;
  }

  /**
   * Locks the stock rows of `productIds` in product-id order: every transaction that locks
   * several takes them in the same order, so two orders sharing products queue and never
   * deadlock. Ids that are not UUIDs match no product; missing rows are simply not returned.
   */
  async lockStock(tx: Tx, productIds: readonly string[]): Promise<StockLevel[]> {
    const ids = productIds.filter(isUuid);
    if (ids.length === 0) return [];
    return tx.$queryRaw<StockLevel[]>`
    SELECT product_id::text AS "productId", available
    FROM stock
    WHERE product_id = ANY(${ids}::uuid[])
    ORDER BY product_id
    FOR UPDATE`;
  }

  /** Moves each line's quantity between two columns, in one statement (rows locked already). */
  async moveStock(tx: Tx, lines: readonly Line[], move: StockMove): Promise<void> {
    const moved = await tx.$executeRawUnsafe(
      moveSql(move),
      lines.map((line) => line.productId),
      lines.map((line) => line.quantity),
    );
    // Locked and checked just before: a difference is a bug, and the transaction must not commit.
    if (moved !== lines.length) {
      throw new Error(`moved stock of ${moved} products, expected ${lines.length}`);
    }
  }

  /** The order's reservation, RESERVED, and its lines in one statement. */
  async recordReserved(tx: Tx, orderId: string, lines: readonly Line[]): Promise<void> {
    await tx.$executeRaw`
      WITH r AS (
        INSERT INTO reservations (order_id, status, updated_at)
        VALUES (${orderId}::uuid, 'RESERVED', now()) RETURNING id)
      INSERT INTO reservation_lines (reservation_id, product_id, quantity)
      SELECT r.id, l.product_id, l.quantity
      FROM r, unnest(${lines.map((line) => line.productId)}::uuid[],
                     ${lines.map((line) => line.quantity)}::int[]) AS l(product_id, quantity)`;
  }

  /** The order's reservation, REJECTED: why, and the lines that were short (no lines held). */
  async recordRejected(
    tx: Tx,
    orderId: string,
    reason: StockRejectionReason,
    unavailable: readonly UnavailableLine[],
  ): Promise<void> {
    await tx.reservation.create({
      data: {
        orderId,
        status: 'REJECTED',
        rejectionReason: reason,
        unavailable: unavailable.map((line) => ({ ...line })),
      },
    });
  }

  /** A RELEASED reservation without lines: the order was released before anything was reserved. */
  async recordTombstone(tx: Tx, orderId: string): Promise<void> {
    await tx.reservation.create({ data: { orderId, status: 'RELEASED' } });
  }

  async setStatus(tx: Tx, id: string, to: ReservationStatus): Promise<void> {
    await tx.$executeRaw`
    UPDATE reservations SET status = ${to}::reservation_status, updated_at = now()
    WHERE id = ${id}::uuid`;
  }
}
