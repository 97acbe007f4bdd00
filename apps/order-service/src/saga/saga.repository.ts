import { Injectable } from '@nestjs/common';
import { EVENTS, type EventDefinition } from '@ecommerce/contracts';
import { eventMessage } from '@ecommerce/messaging';
import type { Prisma } from '../generated/prisma/client';
import { Messaging, type Tx } from '../messaging/messaging';
import type {
  OrderSnapshot,
  SagaDecision,
  SagaMessage,
  SagaSnapshot,
  SagaStart,
  TimelineRecord,
} from './order-saga';

const withItems = {
  items: { orderBy: { productId: 'asc' } },
} as const satisfies Prisma.OrderInclude;

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
  constructor(private readonly messaging: Messaging) {}

  /** Writes a new order's saga, first timeline steps and first messages. */
  async create(
    tx: Tx,
    order: OrderSnapshot,
    start: SagaStart,
    traceparent: string | undefined,
  ): Promise<void> {
    await tx.orderSaga.create({
      data: { orderId: order.id, ...start.saga, traceparent: traceparent ?? null },
    });
    await this.appendTimeline(tx, order.id, start.timeline);
    await this.enqueue(tx, order.id, start.messages, traceparent);
  }

  /**
   * Locks the order's saga row until the transaction ends (`SELECT ... FOR UPDATE`), then
   * reads it with its order. Every step goes through here, so two steps of one saga (a reply
   * and a CancelOrder, say) run one after the other, each seeing the other's result.
   * Undefined when the order has no saga.
   */
  async lock(tx: Tx, orderId: string): Promise<LockedSaga | undefined> {
    const locked = await tx.$queryRaw<Array<{ order_id: string }>>`
      SELECT order_id FROM order_sagas WHERE order_id = ${orderId}::uuid FOR UPDATE`;
    if (locked.length === 0) return undefined;
    const row = await tx.orderSaga.findUniqueOrThrow({
      where: { orderId },
      include: { order: { include: withItems } },
    });
    const { order, traceparent, ...saga } = row;
    return { saga, order, traceparent };
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
      WHERE state IN ('RESERVING', 'PAYING', 'CANCELLING') AND deadline_at <= ${now}
      ORDER BY deadline_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED`;
    return rows.map((row) => row.order_id);
  }

  /** Writes what `decide` answered for a saga read by {@link lock}. */
  async save(
    tx: Tx,
    { saga, order }: LockedSaga,
    decision: SagaDecision,
    traceparent: string | undefined,
  ): Promise<void> {
    if (decision.saga !== saga) {
      const { state, cancelledWhile, awaitingRefund, awaitingRelease, cancellationReason } =
        decision.saga;
      await tx.orderSaga.update({
        where: { orderId: order.id },
        data: { state, cancelledWhile, awaitingRefund, awaitingRelease, cancellationReason },
      });
    }
    if (
      decision.order.status !== order.status ||
      decision.order.cancellationReason !== order.cancellationReason
    ) {
      await tx.order.update({ where: { id: order.id }, data: decision.order });
    }
    await this.appendTimeline(tx, order.id, decision.timeline);
    await this.enqueue(tx, order.id, decision.messages, traceparent);
  }

  // The saga row's lock (or, at creation, the new order's) serialises the writers of one
  // order's timeline, so the next seq is free. One statement: the last seq and the new rows.
  private async appendTimeline(tx: Tx, orderId: string, entries: TimelineRecord[]) {
    if (entries.length === 0) return;
    await tx.$executeRaw`
      INSERT INTO order_timeline (order_id, seq, step, status, detail)
      SELECT ${orderId}::uuid, last.seq + entry.n, entry.step, entry.status, entry.detail
      FROM (SELECT coalesce(max(seq), 0) AS seq FROM order_timeline WHERE order_id = ${orderId}::uuid) AS last,
           unnest(${entries.map((e) => e.step)}::text[], ${entries.map((e) => e.status)}::text[],
                  ${entries.map((e) => e.detail ?? null)}::text[]) WITH ORDINALITY AS entry(step, status, detail, n)`;
  }

  // Every message of an order is keyed by its id, so they share a partition and stay in order.
  // All of a step's messages go into the outbox in one INSERT.
  private async enqueue(
    tx: Tx,
    orderId: string,
    messages: SagaMessage[],
    traceparent: string | undefined,
  ) {
    await this.messaging.outbox.enqueueAll(
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
