import { Injectable } from '@nestjs/common';
import type { inventoryEventsV1 } from '@ecommerce/contracts';
import { PoisonMessageError } from '@ecommerce/messaging';
import type { Tx } from '../database';
import { checkAvailability, type UnavailableLine } from './availability';
import { committed, rejected, released, reserved, type Reply } from './replies';
import { type Line, orderIdOf, parseReserve } from './reservation-command';
import { nextStep, type ReservationStatus, type StockMove } from './reservation-state';
import { type ReservationRecord, ReservationsRepository } from './reservations.repository';

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
  constructor(private readonly reservations: ReservationsRepository) {}

  async reserve(tx: Tx, command: inventoryEventsV1.ReserveInventory): Promise<Reply> {
    const { orderId, lines } = parseReserve(command);
    const record = await this.reservations.lock(tx, orderId);
    if (nextStep('reserve', record?.status).kind === 'answer' && record) {
      return answerReserve(command.orderId, record);
    }

    const stock = await this.reservations.lockStock(
      tx,
      lines.map((line) => line.productId),
    );
    const availability = checkAvailability(lines, stock);
    if (!availability.ok) {
      const { reason, unavailable } = availability;
      await this.reservations.recordRejected(tx, orderId, reason, unavailable);
      return rejected(command.orderId, reason, unavailable);
    }
    await this.reservations.moveStock(tx, lines, { from: 'available', to: 'reserved' });
    await this.reservations.recordReserved(tx, orderId, lines);
    return reserved(command.orderId, lines);
  }

  async commit(tx: Tx, command: inventoryEventsV1.CommitReservation): Promise<Reply> {
    const orderId = orderIdOf(command);
    const record = await this.reservations.lock(tx, orderId);
    const step = nextStep('commit', record?.status);
    if (step.kind === 'refuse') throw new PoisonMessageError(`order ${orderId}: ${step.why}`);
    if (step.kind === 'transition' && record) await this.transition(tx, record, step.to, step.move);
    return committed(command.orderId);
  }

  async release(tx: Tx, command: inventoryEventsV1.ReleaseInventory): Promise<Reply> {
    const orderId = orderIdOf(command);
    const record = await this.reservations.lock(tx, orderId);
    const step = nextStep('release', record?.status);
    if (step.kind === 'tombstone' || !record) {
      // Nothing was reserved, and now nothing will be: a ReserveInventory arriving later (it was
      // sent before the cancel, but a retry or a dead letter replayed put it behind) is refused.
      await this.reservations.recordTombstone(tx, orderId);
      return released(command.orderId, []);
    }
    if (step.kind === 'transition') await this.transition(tx, record, step.to, step.move);
    // A REJECTED order held nothing: it stays REJECTED, and nothing came back.
    return released(command.orderId, record.status === 'REJECTED' ? [] : linesOf(record));
  }

  /** A state change: the lines' stock rows locked, their units moved, the new status written. */
  private async transition(
    tx: Tx,
    record: ReservationRecord,
    to: ReservationStatus,
    move: StockMove,
  ): Promise<void> {
    const lines = linesOf(record);
    await this.reservations.lockStock(
      tx,
      lines.map((line) => line.productId),
    );
    await this.reservations.moveStock(tx, lines, move);
    await this.reservations.setStatus(tx, record.id, to);
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

function linesOf(record: ReservationRecord): Line[] {
  return record.lines
    .map(({ productId, quantity }) => ({ productId, quantity }))
    .sort((a, b) => a.productId.localeCompare(b.productId));
}
