import { Injectable } from '@nestjs/common';
import { EVENTS, type EventDefinition } from '@ecommerce/contracts';
import { eventMessage, Outbox } from '@ecommerce/messaging';
import { Prisma } from '../generated/prisma/client';
import type { Tx } from '../database';
import type {
  OrderSnapshot,
  SagaDecision,
  SagaMessage,
  SagaSnapshot,
  SagaStart,
  TimelineRecord,
} from './order-saga';

/** The row {@link SagaRepository.lock} reads. */
interface LockedRow {
  state: SagaSnapshot['state'];
  cancelled_while: SagaSnapshot['cancelledWhile'];
  awaiting_refund: boolean;
  awaiting_release: boolean;
  cancellation_reason: SagaSnapshot['cancellationReason'];
  deadline_at: Date;
  traceparent: string | null;
  user_id: string;
  order_status: OrderSnapshot['status'];
  order_cancellation_reason: OrderSnapshot['cancellationReason'];
  total_cents: number;
  currency: string;
  payment_method: string;
  created_at: Date;
  items: OrderSnapshot['items'];
}

/** A locked saga row with its order. */
export interface LockedSaga {
  saga: SagaSnapshot;
  order: OrderSnapshot;
  /** W3C trace context of the request that placed the order. */
  traceparent: string | null;
}

/**
 * The saga's rows (`order_sagas`, the order's status, `order_timeline`) and its messages (the
 * outbox), always written through the caller's transaction, so a step is all or nothing.
 */
@Injectable()
export class SagaRepository {
  constructor(private readonly outbox: Outbox) {}

  /** Writes a new order's saga and first timeline steps (one statement), then its first messages. */
  async create(
    tx: Tx,
    order: OrderSnapshot,
    start: SagaStart,
    traceparent: string | undefined,
  ): Promise<void> {
    const { saga, timeline } = start;
    await tx.$executeRaw`
      WITH saga AS (
        INSERT INTO order_sagas (order_id, state, cancelled_while, awaiting_refund,
                                 awaiting_release, cancellation_reason, deadline_at, traceparent,
                                 updated_at)
        VALUES (${order.id}::uuid, ${saga.state}::saga_state, ${saga.cancelledWhile}::saga_state,
                ${saga.awaitingRefund}, ${saga.awaitingRelease},
                ${saga.cancellationReason}::cancellation_reason, ${saga.deadlineAt},
                ${traceparent ?? null}, now()))
      ${timelineInsert(order.id, timeline)}`;
    await this.enqueue(tx, order.id, start.messages, traceparent);
  }

  /**
   * Locks the order's saga row and its order row until the transaction ends, and reads both
   * with the order's items, in one statement. Every step goes through here, so two steps of
   * one saga (a reply and a CancelOrder, say) run one after the other, each seeing the other's
   * result: a step that waited for the lock reads the rows as the other step left them, since
   * under READ COMMITTED a locking read re-reads the rows it locks (both are named in
   * `FOR UPDATE OF`; the items never change after the order is placed).
   * Undefined when the order has no saga.
   */
  async lock(tx: Tx, orderId: string): Promise<LockedSaga | undefined> {
    const [row] = await tx.$queryRaw<LockedRow[]>`
      SELECT s.state::text, s.cancelled_while::text, s.awaiting_refund, s.awaiting_release,
             s.cancellation_reason::text, s.deadline_at, s.traceparent,
             o.user_id::text, o.status::text AS order_status,
             o.cancellation_reason::text AS order_cancellation_reason,
             o.total_cents, o.currency, o.payment_method, o.created_at,
             (SELECT coalesce(json_agg(json_build_object('productId', i.product_id,
                       'quantity', i.quantity, 'unitPriceCents', i.unit_price_cents)
                       ORDER BY i.product_id), '[]')
                FROM order_items i WHERE i.order_id = o.id) AS items
      FROM order_sagas s JOIN orders o ON o.id = s.order_id
      WHERE s.order_id = ${orderId}::uuid
      FOR UPDATE OF s, o`;
    if (row === undefined) return undefined;
    return {
      saga: {
        state: row.state,
        cancelledWhile: row.cancelled_while,
        awaitingRefund: row.awaiting_refund,
        awaitingRelease: row.awaiting_release,
        cancellationReason: row.cancellation_reason,
        deadlineAt: row.deadline_at,
      },
      order: {
        id: orderId,
        userId: row.user_id,
        status: row.order_status,
        cancellationReason: row.order_cancellation_reason,
        totalCents: row.total_cents,
        currency: row.currency,
        paymentMethod: row.payment_method,
        createdAt: row.created_at,
        items: row.items,
      },
      traceparent: row.traceparent,
    };
  }

  /**
   * Up to `limit` sagas past their deadline with a step (or the reply a cancellation waits
   * for) still in flight that no other transaction holds, locked until the
   * transaction ends. `SKIP LOCKED`: several sweepers (one per instance) share the work
   * instead of queueing on each other's rows, and a saga a reply is being applied to is left
   * for the next sweep.
   */
  async lockOverdue(tx: Tx, now: Date, limit: number): Promise<string[]> {
    const rows = await tx.$queryRaw<Array<{ order_id: string }>>`
      SELECT order_id FROM order_sagas
      WHERE ${overdueAt(now)}
      ORDER BY deadline_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED`;
    return rows.map((row) => row.order_id);
  }

  /** Whether {@link lockOverdue} would find a saga (locked or not), in one read-only statement. */
  async anyOverdue(db: Pick<Tx, '$queryRaw'>, now: Date): Promise<boolean> {
    const rows = await db.$queryRaw<unknown[]>`
      SELECT 1 FROM order_sagas WHERE ${overdueAt(now)} LIMIT 1`;
    return rows.length > 0;
  }

  /**
   * Writes what `decide` answered for a saga read by {@link lock}: the saga row and the order
   * row (each only if it changed) and the new timeline steps in one statement, then the
   * step's messages. Data-modifying CTEs always run to completion, read or not.
   */
  async save(
    tx: Tx,
    { saga, order }: LockedSaga,
    decision: SagaDecision,
    traceparent: string | undefined,
  ): Promise<void> {
    const next = decision.saga;
    const sagaChanged = next !== saga;
    const orderChanged =
      decision.order.status !== order.status ||
      decision.order.cancellationReason !== order.cancellationReason;
    if (sagaChanged || orderChanged || decision.timeline.length > 0) {
      await tx.$executeRaw`
        WITH saga AS (
          UPDATE order_sagas
          SET state = ${next.state}::saga_state, cancelled_while = ${next.cancelledWhile}::saga_state,
              awaiting_refund = ${next.awaitingRefund}, awaiting_release = ${next.awaitingRelease},
              cancellation_reason = ${next.cancellationReason}::cancellation_reason,
              updated_at = now()
          WHERE order_id = ${order.id}::uuid AND ${sagaChanged}::boolean),
        order_row AS (
          UPDATE orders
          SET status = ${decision.order.status}::order_status,
              cancellation_reason = ${decision.order.cancellationReason}::cancellation_reason,
              updated_at = now()
          WHERE id = ${order.id}::uuid AND ${orderChanged}::boolean)
        ${timelineInsert(order.id, decision.timeline)}`;
    }
    await this.enqueue(tx, order.id, decision.messages, traceparent);
  }

  // Every message of an order is keyed by its id, so they share a partition and stay in order.
  // All of a step's messages go into the outbox in one INSERT.
  private async enqueue(
    tx: Tx,
    orderId: string,
    messages: SagaMessage[],
    traceparent: string | undefined,
  ) {
    await this.outbox.enqueueAll(
      tx,
      messages.map((message) =>
        eventMessage(EVENTS[message.name] as EventDefinition<unknown>, message.payload, {
          key: orderId,
          subject: orderId,
          ...(traceparent ? { traceparent } : {}),
        }),
      ),
    );
  }
}

/** A saga past its deadline at `now` with a step (or the reply a cancellation waits for) in flight. */
function overdueAt(now: Date): Prisma.Sql {
  return Prisma.sql`state IN ('RESERVING', 'PAYING', 'CANCELLING') AND deadline_at <= ${now}`;
}

/**
 * The INSERT of a step's timeline entries, numbered on from the order's last one: the saga
 * row's lock (or, at creation, the new order's) serialises the writers of one order's
 * timeline, so the next seq is free. Inserts nothing for no entries.
 */
function timelineInsert(orderId: string, entries: TimelineRecord[]): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO order_timeline (order_id, seq, step, status, detail)
    SELECT ${orderId}::uuid, last.seq + entry.n, entry.step, entry.status, entry.detail
    FROM (SELECT coalesce(max(seq), 0) AS seq FROM order_timeline WHERE order_id = ${orderId}::uuid) AS last,
         unnest(${entries.map((e) => e.step)}::text[], ${entries.map((e) => e.status)}::text[],
                ${entries.map((e) => e.detail ?? null)}::text[]) WITH ORDINALITY AS entry(step, status, detail, n)`;
}
