import { Injectable } from '@nestjs/common';
import { EVENTS, type EventDefinition } from '@ecommerce/contracts';
import type { SameType } from '@ecommerce/database';
import { eventMessage, Outbox, withAfterCommit } from '@ecommerce/messaging';
import type { Caller } from '@ecommerce/validation';
import { PrismaService, type Tx } from '../database';
import { Prisma } from '../generated/prisma/client';
import type * as Db from '../generated/prisma/enums';
import type {
  OrderSnapshot,
  SagaDecision,
  SagaMessage,
  SagaSnapshot,
  SagaStart,
  SagaState,
  TimelineRecord,
} from '../domain/order-saga';
import type { CancellationReason, OrderStatus } from '../domain/order-state';

/** An order with its lines (by product id), as the store reads it: the saga's snapshot and more. */
export interface OrderRow extends OrderSnapshot {
  updatedAt: Date;
  items: OrderLine[];
}

export interface OrderLine {
  productId: string;
  quantity: number;
  /** The catalog price when the order was placed. */
  unitPriceCents: number;
}

/** A new order, priced; `idempotencyKey` is stored with it when the request had one. */
export interface NewOrder {
  userId: string;
  totalCents: number;
  currency: string;
  paymentMethod: string;
  lines: OrderLine[];
  idempotencyKey: { key: string; requestHash: string } | null;
}

/** One step of an order's timeline, as recorded (`step` and `status` are text columns). */
export interface TimelineRow {
  step: string;
  status: string;
  detail: string | null;
  at: Date;
}

/** A locked saga row with its order. */
export interface LockedSaga {
  saga: SagaSnapshot;
  order: OrderSnapshot;
  /** W3C trace context of the request that placed the order. */
  traceparent: string | null;
}

/** The row {@link OrderRepository.lockSaga} reads. */
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

// The domain's unions and schema.prisma's enums must name the same values: one added on a
// single side fails `npm run typecheck` here (rows read through Prisma would not fit the
// domain's types, or the raw SQL below would write a value the database refuses).
const _statusesMatch: SameType<OrderStatus, Db.OrderStatus> = true;
const _reasonsMatch: SameType<CancellationReason, Db.CancellationReason> = true;
const _statesMatch: SameType<SagaState, Db.SagaState> = true;

const withItems = {
  items: { orderBy: { productId: 'asc' } },
} as const satisfies Prisma.OrderInclude;

/**
 * The one owner of the order's tables: `orders`, `order_items`, `idempotency_keys`,
 * `order_timeline` and `order_sagas`, plus the outbox rows of the saga's messages. orders/
 * (placing, cancelling, reading) and saga/ (the steps) both go through it: a saga step writes
 * the saga row, the order row and its timeline in one statement, so they cannot have two owners.
 * Writes take the caller's transaction (`tx`), so a step is all or nothing.
 */
@Injectable()
export class OrderRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Runs `fn` in one transaction, committed when it resolves. A saga step in it can count its
   * outcome once the transaction commits (`afterCommit`).
   */
  async transaction<R>(fn: (tx: Tx) => Promise<R>): Promise<R> {
    return withAfterCommit<Tx>(this.prisma).$transaction(fn);
  }

  // ---- orders ----

  /** Inserts a PENDING order with its lines and, when given, its idempotency key. */
  async create(tx: Tx, order: NewOrder): Promise<OrderRow> {
    const { userId, idempotencyKey } = order;
    return tx.order.create({
      data: {
        userId,
        status: 'PENDING',
        totalCents: order.totalCents,
        currency: order.currency,
        paymentMethod: order.paymentMethod,
        items: { create: order.lines },
        ...(idempotencyKey && {
          idempotencyKey: {
            create: { userId, key: idempotencyKey.key, requestHash: idempotencyKey.requestHash },
          },
        }),
      },
      include: withItems,
    });
  }

  /** The order placed under the user's idempotency key, with the hash of its request. */
  async findByKey(
    userId: string,
    key: string,
  ): Promise<{ requestHash: string; order: OrderRow } | null> {
    return this.prisma.idempotencyKey.findUnique({
      where: { userId_key: { userId, key } },
      include: { order: { include: withItems } },
    });
  }

  /** The order, if `caller` may see it. */
  async findVisible(orderId: string, caller: Caller): Promise<OrderRow | null> {
    return this.prisma.order.findFirst({ where: visibleTo(caller, orderId), include: withItems });
  }

  /** Whether the order exists and `caller` may see it. */
  async isVisible(tx: Tx, orderId: string, caller: Caller): Promise<boolean> {
    const order = await tx.order.findFirst({
      where: visibleTo(caller, orderId),
      select: { id: true },
    });
    return order !== null;
  }

  /** The order as it is in `tx` (it must exist). */
  async get(tx: Tx, orderId: string): Promise<OrderRow> {
    return tx.order.findUniqueOrThrow({ where: { id: orderId }, include: withItems });
  }

  /** The order's timeline, oldest first; null when `caller` may not see the order. */
  async findVisibleTimeline(orderId: string, caller: Caller): Promise<TimelineRow[] | null> {
    const order = await this.prisma.order.findFirst({
      where: visibleTo(caller, orderId),
      select: { timeline: { orderBy: { seq: 'asc' } } },
    });
    return order?.timeline ?? null;
  }

  /** How many orders are PENDING: one count on the (status, created_at) index. */
  async countPending(): Promise<number> {
    return this.prisma.order.count({ where: { status: 'PENDING' } });
  }

  /**
   * A page of the orders `caller` may see (an admin: everyone's), newest first, optionally of
   * one status, and how many there are: two statements in one transaction.
   */
  async list(query: {
    caller: Caller;
    status: OrderStatus | undefined;
    page: number;
    limit: number;
  }): Promise<{ total: number; orders: OrderRow[] }> {
    const { caller, status, page, limit } = query;
    const where: Prisma.OrderWhereInput = {
      ...(caller.callerIsAdmin ? {} : { userId: caller.callerUserId }),
      ...(status && { status }),
    };
    const [total, orders] = await this.prisma.$transaction([
      this.prisma.order.count({ where }),
      this.prisma.order.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: (page - 1) * limit,
        take: limit,
        include: withItems,
      }),
    ]);
    return { total, orders };
  }

  // ---- the saga's rows ----

  /** Writes a new order's saga and first timeline steps (one statement), then its first messages. */
  async createSaga(
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
  async lockSaga(tx: Tx, orderId: string): Promise<LockedSaga | undefined> {
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
  async lockOverdueSagas(tx: Tx, now: Date, limit: number): Promise<string[]> {
    const rows = await tx.$queryRaw<Array<{ order_id: string }>>`
      SELECT order_id FROM order_sagas
      WHERE ${overdueAt(now)}
      ORDER BY deadline_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED`;
    return rows.map((row) => row.order_id);
  }

  /**
   * Whether {@link lockOverdueSagas} would find a saga (locked or not), in one read-only
   * statement outside any transaction.
   */
  async anyOverdueSaga(now: Date): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<unknown[]>`
      SELECT 1 FROM order_sagas WHERE ${overdueAt(now)} LIMIT 1`;
    return rows.length > 0;
  }

  /**
   * Writes what `decide` answered for a saga read by {@link lockSaga}: the saga row and the
   * order row (each only if it changed) and the new timeline steps in one statement, then the
   * step's messages. Data-modifying CTEs always run to completion, read or not.
   */
  async saveStep(
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

/** Another customer's order looks exactly like a missing one. */
function visibleTo(caller: Caller, orderId: string): Prisma.OrderWhereInput {
  return caller.callerIsAdmin ? { id: orderId } : { id: orderId, userId: caller.callerUserId };
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
