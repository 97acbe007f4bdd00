import { trace } from '@opentelemetry/api';
import { Injectable } from '@nestjs/common';
import type { commonV1, inventoryV1, orderV1 } from '@ecommerce/contracts';
import { isUniqueViolation } from '@ecommerce/database';
import { toOrderMessage, toTimelineEntryMessage } from '../order-store/order.mapper';
import { OrderRepository, type OrderRow } from '../order-store/order.repository';
import { SagaSteps } from '../order-store/saga-steps';
import { CatalogClient } from './catalog.client';
import { orderErrors } from './orders.errors';
import type { CreateOrderInput, ListOrdersInput, OrderQuery } from './orders.validation';
import { requestHash } from './request-hash';

/** total_cents is an INTEGER column. */
const MAX_TOTAL_CENTS = 2_147_483_647;

export interface CreatedOrder {
  order: orderV1.Order;
  /** True when an earlier order with the same idempotency key was returned. */
  replayed: boolean;
}

/**
 * Orders: placing one (priced from the catalog, idempotent per user and key, which starts its
 * saga), cancelling one, and reading them back; each read or change limited to the order's
 * owner or an admin. The saga itself lives in ../saga; this reaches it as `SagaSteps`.
 */
@Injectable()
export class OrdersService {
  constructor(
    private readonly repository: OrderRepository,
    private readonly catalog: CatalogClient,
    private readonly saga: SagaSteps,
  ) {}

  /**
   * Stores a PENDING order and starts its saga. The order, its lines, the idempotency key, the
   * saga row, the first timeline step and the ReserveInventory / OrderCreated messages are one
   * transaction: a crash after the commit loses no message (the relay publishes them after a
   * restart), a failure before it leaves nothing behind.
   */
  async create(input: CreateOrderInput, traceparent?: string): Promise<CreatedOrder> {
    const { userId, items, paymentMethod, idempotencyKey } = input;
    const hash = requestHash({ items, paymentMethod });

    // A retry is answered from the database alone, even while the catalog is down.
    if (idempotencyKey) {
      const earlier = await this.repository.findByKey(userId, idempotencyKey);
      if (earlier) return replay(earlier, hash);
    }

    const priced = await this.price(items);
    try {
      const order = await this.repository.transaction(async (tx) => {
        const created = await this.repository.create(tx, {
          userId,
          totalCents: priced.totalCents,
          currency: priced.currency,
          paymentMethod,
          lines: priced.lines,
          idempotencyKey: idempotencyKey ? { key: idempotencyKey, requestHash: hash } : null,
        });
        await this.saga.start(tx, created, traceparent);
        return created;
      });
      // Tagged on the trace, so a trace UI finds an order's trace by its id (`order.id=...`).
      trace.getActiveSpan()?.setAttribute('order.id', order.id);
      return { order: toOrderMessage(order), replayed: false };
    } catch (error) {
      // A concurrent request with the same key committed first (the unique index made this
      // insert wait for it, then refused it): answer with that order, as for any retry.
      if (idempotencyKey && isUniqueViolation(error)) {
        const winner = await this.repository.findByKey(userId, idempotencyKey);
        if (winner) return replay(winner, hash);
      }
      throw error;
    }
  }

  /**
   * Asks the order's saga to cancel it (docs/saga.md, "Cancellation and timeouts") and returns
   * the order as it is then: still PENDING or CONFIRMED until the compensations are
   * acknowledged. An order that is being cancelled already is returned as it is; one that is
   * CANCELLED is refused (ORDER_ALREADY_CANCELLED).
   */
  async cancel({ orderId, ...caller }: OrderQuery, traceparent?: string): Promise<orderV1.Order> {
    return this.repository.transaction(async (tx) => {
      if (!(await this.repository.isVisible(tx, orderId, caller))) throw notFound(orderId);
      const decision = await this.saga.apply(
        tx,
        orderId,
        { type: 'CancelRequested', reason: 'CUSTOMER_REQUEST' },
        traceparent,
      );
      if (!decision) throw new Error(`order ${orderId} has no saga`);
      if (decision.refusal === 'ORDER_ALREADY_CANCELLED') {
        throw orderErrors.create('ORDER_ALREADY_CANCELLED', `order ${orderId} is cancelled already`);
      }
      return toOrderMessage(await this.repository.get(tx, orderId));
    });
  }

  async get({ orderId, ...caller }: OrderQuery): Promise<orderV1.Order> {
    const order = await this.repository.findVisible(orderId, caller);
    if (!order) throw notFound(orderId);
    return toOrderMessage(order);
  }

  async timeline({ orderId, ...caller }: OrderQuery): Promise<orderV1.TimelineEntry[]> {
    const timeline = await this.repository.findVisibleTimeline(orderId, caller);
    if (!timeline) throw notFound(orderId);
    return timeline.map(toTimelineEntryMessage);
  }

  /**
   * Orders whose saga has not ended: the gateway refuses new ones past a bound (admission
   * control). One count on the (status, created_at) index.
   */
  async backlog(): Promise<number> {
    return this.repository.countPending();
  }

  /** The caller's orders (an admin's: everyone's), newest first. */
  async list({
    page,
    limit,
    status,
    ...caller
  }: ListOrdersInput): Promise<{ data: orderV1.Order[]; pagination: commonV1.Pagination }> {
    const { total, orders } = await this.repository.list({ caller, status, page, limit });
    return {
      data: orders.map(toOrderMessage),
      pagination: { page, limit, total, pages: Math.ceil(total / limit) },
    };
  }

  /** Snapshots each line's unit price from the catalog; every product must exist and share one currency. */
  private async price(items: CreateOrderInput['items']) {
    const { products, missingIds } = await this.catalog.productsByIds(
      items.map((item) => item.productId),
    );
    if (missingIds.length) {
      const missing = new Set(missingIds.map((id) => id.toLowerCase()));
      throw orderErrors.create(
        'UNKNOWN_PRODUCT',
        `no such product: ${[...missing].join(', ')}`,
        items.flatMap((item, index) =>
          missing.has(item.productId)
            ? [{ field: `items[${index}].productId`, message: 'no such product' }]
            : [],
        ),
      );
    }
    const byId = new Map(products.map((product) => [product.id, product]));
    const currencies = [...new Set(products.map((product) => product.currency))];
    if (currencies.length !== 1) {
      throw orderErrors.create(
        'CURRENCY_MISMATCH',
        `the products are priced in different currencies: ${currencies.sort().join(', ')}`,
        [
          {
            field: 'items',
            message: 'all products of one order must be priced in the same currency',
          },
        ],
      );
    }
    const lines = items.map(({ productId, quantity }) => ({
      productId,
      quantity,
      unitPriceCents: (byId.get(productId) as inventoryV1.Product).priceCents,
    }));
    const totalCents = lines.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
    if (totalCents > MAX_TOTAL_CENTS) {
      throw orderErrors.create(
        'ORDER_TOTAL_TOO_LARGE',
        `the order total ${totalCents} exceeds the limit of ${MAX_TOTAL_CENTS}`,
        [{ field: 'items', message: 'the order total is too large' }],
      );
    }
    return { lines, totalCents, currency: currencies[0] as string };
  }
}

/** The earlier order under an idempotency key, if `hash` says this is the same request. */
function replay(earlier: { requestHash: string; order: OrderRow }, hash: string): CreatedOrder {
  if (earlier.requestHash !== hash) {
    throw orderErrors.create(
      'IDEMPOTENCY_KEY_REUSED',
      'this Idempotency-Key was already used for a different request; use a new key for a new order',
    );
  }
  return { order: toOrderMessage(earlier.order), replayed: true };
}

function notFound(orderId: string) {
  return orderErrors.create('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
}
