import { Injectable } from '@nestjs/common';
import type { inventoryEventsV1 } from '@ecommerce/contracts';
import { isUuid } from '@ecommerce/validation';
import { PoisonMessageError } from '@ecommerce/messaging';
import type { Tx } from '../database';
import { checkAvailability, type StockLevel, type UnavailableLine } from './availability';
import { committed, rejected, released, reserved, type Reply } from './replies';
import { type Line, orderIdOf, parseReserve } from './reservation-command';
import { nextStep, type StockMove } from './reservation-state';

/** An order's reservation as the saga steps read it (raw SQL: see lockReservation). */
interface ReservationRecord {
  id: string;
  status: 'RESERVED' | 'COMMITTED' | 'RELEASED' | 'REJECTED';
  rejectionReason: 'INSUFFICIENT_STOCK' | 'UNKNOWN_PRODUCT' | null;
  unavailable: unknown;
  lines: Line[];
}

/**
 * The inventory side of the order saga (docs/saga.md). Every method runs in the caller's
 * transaction, the one that also records the command in the inbox and its reply in the
 * outbox, and returns that reply.
 *
 * Exactly once: a repeated message id is skipped by the inbox before it gets here. A repeated
 * command under a new id finds the order's reservation row (unique per order) and
 * `nextStep` turns it into an answer from the record, with no second stock movement. The row
 * is locked first (`FOR UPDATE`), so two commands for one order never interleave; two first
 * commands for one order (no row to lock yet) both try to insert it, the unique index lets one
 * through, and the other fails, is retried by the consumer and then finds the row.
 *
 * No oversell: the stock rows of an order are locked in product-id order (concurrent orders
 * queue instead of deadlocking), every line is checked against what is locked, and only then is
 * stock moved, for all lines or none. Nothing reads stock outside those locks to decide.
 */
@Injectable()
export class ReservationsService {
  async reserve(tx: Tx, command: inventoryEventsV1.ReserveInventory): Promise<Reply> {
    const { orderId, lines } = parseReserve(command);
    const record = await lockReservation(tx, orderId);
    if (nextStep('reserve', record?.status).kind === 'answer' && record) {
      return answerReserve(command.orderId, record);
    }

    const stock = await lockStock(
      tx,
      lines.map((line) => line.productId),
    );
    const availability = checkAvailability(lines, stock);
    if (!availability.ok) {
      const { reason, unavailable } = availability;
      await tx.reservation.create({
        data: {
          orderId,
          status: 'REJECTED',
          rejectionReason: reason,
          unavailable: unavailable.map((line) => ({ ...line })),
        },
      });
      return rejected(command.orderId, reason, unavailable);
    }
    await moveStock(tx, lines, { from: 'available', to: 'reserved' });
    // The reservation and its lines in one statement.
    await tx.$executeRaw`
      WITH r AS (
        INSERT INTO reservations (order_id, status, updated_at)
        VALUES (${orderId}::uuid, 'RESERVED', now()) RETURNING id)
      INSERT INTO reservation_lines (reservation_id, product_id, quantity)
      SELECT r.id, l.product_id, l.quantity
      FROM r, unnest(${lines.map((line) => line.productId)}::uuid[],
                     ${lines.map((line) => line.quantity)}::int[]) AS l(product_id, quantity)`;
    return reserved(command.orderId, lines);
  }

  async commit(tx: Tx, command: inventoryEventsV1.CommitReservation): Promise<Reply> {
    const orderId = orderIdOf(command);
    const record = await lockReservation(tx, orderId);
    const step = nextStep('commit', record?.status);
    if (step.kind === 'refuse') throw new PoisonMessageError(`order ${orderId}: ${step.why}`);
    if (step.kind === 'transition' && record) await transition(tx, record, step.to, step.move);
    return committed(command.orderId);
  }

  async release(tx: Tx, command: inventoryEventsV1.ReleaseInventory): Promise<Reply> {
    const orderId = orderIdOf(command);
    const record = await lockReservation(tx, orderId);
    const step = nextStep('release', record?.status);
    if (step.kind === 'tombstone' || !record) {
      // Nothing was reserved, and now nothing will be: a ReserveInventory arriving later (it was
      // sent before the cancel, but a retry or a dead letter replayed put it behind) is refused.
      await tx.reservation.create({ data: { orderId, status: 'RELEASED' } });
      return released(command.orderId, []);
    }
    if (step.kind === 'transition') await transition(tx, record, step.to, step.move);
    // A REJECTED order held nothing: it stays REJECTED, and nothing came back.
    return released(command.orderId, record.status === 'REJECTED' ? [] : linesOf(record));
  }
}

/** What a repeated ReserveInventory is told: the outcome of the first one, or of the release. */
function answerReserve(orderId: string, record: ReservationRecord): Reply {
  switch (record.status) {
    case 'RESERVED':
    case 'COMMITTED':
      return reserved(orderId, linesOf(record));
    case 'RELEASED':
      return rejected(orderId, 'ORDER_RELEASED', []);
    case 'REJECTED':
      return rejected(
        orderId,
        record.rejectionReason ?? 'INSUFFICIENT_STOCK',
        // Written by `reserve` above, and NOT NULL on every REJECTED row (a CHECK).
        record.unavailable as unknown as UnavailableLine[],
      );
  }
}

async function transition(
  tx: Tx,
  record: ReservationRecord,
  to: ReservationRecord['status'],
  move: StockMove,
) {
  const lines = linesOf(record);
  await lockStock(
    tx,
    lines.map((line) => line.productId),
  );
  await moveStock(tx, lines, move);
  await tx.$executeRaw`
    UPDATE reservations SET status = ${to}::reservation_status, updated_at = now()
    WHERE id = ${record.id}::uuid`;
}

function linesOf(record: ReservationRecord): Line[] {
  return record.lines
    .map(({ productId, quantity }) => ({ productId, quantity }))
    .sort((a, b) => a.productId.localeCompare(b.productId));
}

/**
 * The order's reservation with its lines, row-locked until the transaction ends, in one
 * statement; undefined when it has none. A command that waited for the lock reads the row as
 * the other left it (a locking read re-reads the row it locks); the lines never change.
 */
async function lockReservation(tx: Tx, orderId: string): Promise<ReservationRecord | undefined> {
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
 * Locks the stock rows of `productIds` in product-id order: every transaction that locks several
 * takes them in the same order, so two orders sharing products queue and never deadlock.
 * Ids that are not UUIDs match no product; missing rows are simply not returned.
 */
async function lockStock(tx: Tx, productIds: readonly string[]): Promise<StockLevel[]> {
  const ids = productIds.filter(isUuid);
  if (ids.length === 0) return [];
  return tx.$queryRaw<StockLevel[]>`
    SELECT product_id::text AS "productId", available
    FROM stock
    WHERE product_id = ANY(${ids}::uuid[])
    ORDER BY product_id
    FOR UPDATE`;
}

// The column names come from the StockColumn union, never from a message.
const moveSql = ({ from, to }: StockMove) => `
  UPDATE stock AS s
  SET "${from}" = s."${from}" - l.quantity, "${to}" = s."${to}" + l.quantity, updated_at = now()
  FROM unnest($1::uuid[], $2::int[]) AS l(product_id, quantity)
  WHERE s.product_id = l.product_id`;

/** Moves each line's quantity between two columns, in one statement (rows locked already). */
async function moveStock(tx: Tx, lines: readonly Line[], move: StockMove): Promise<void> {
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
