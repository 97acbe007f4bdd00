import type { EventDefinition } from '@ecommerce/contracts';
import type { SqlExecutor } from './database';
import { envelopeHeaders } from './envelope';
import { activeTraceparent } from './trace-context';
import { uuidv7 } from './uuid-v7';

/** One message to publish, as the outbox stores it. */
export interface OutboxMessage {
  topic: string;
  /** The Kafka key: the order id (user id for user events). One key's messages stay in order. */
  key: string;
  /** The CloudEvents type, e.g. `ecommerce.order.v1.OrderConfirmed`. */
  type: string;
  /** The encoded protobuf payload. */
  payload: Uint8Array;
  /** `ce_subject`, e.g. the order id. Left out when absent. */
  subject?: string;
  /**
   * W3C trace context to continue when no span is active here (with tracing on, the active
   * span's context wins), so the trace continues in the consumer.
   */
  traceparent?: string;
}

export interface OutboxOptions {
  /** `ce_source` of every message: the service's name, e.g. `order-service`. */
  source: string;
  /** Clock for `ce_time` (tests). */
  now?: () => Date;
  /** Id generator (tests); default UUIDv7, see uuid-v7.ts for why. */
  newId?: () => string;
}

/**
 * `created_at` is the insert time (`clock_timestamp()`), not the column default `now()` (the
 * transaction's start). Two transactions that change the same order serialise on its row lock;
 * as long as a service changes the order before enqueueing (it does: the message announces the
 * change), the second transaction inserts after the first committed, so for one key insert time
 * follows commit order, and `(created_at, id)` is the order the relay publishes in.
 */
const OUTBOX_COLUMNS = 'INSERT INTO outbox (id, topic, message_key, event_type, payload, headers, traceparent, created_at) VALUES ';

/** `($1::uuid, $2, …, clock_timestamp())` for the `row`-th row (0-based) of a multi-row INSERT. */
function valuesRow(row: number): string {
  const p = (column: number) => `$${row * 7 + column}`;
  return `(${p(1)}::uuid, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}::jsonb, ${p(7)}, clock_timestamp())`;
}

export class Outbox {
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(private readonly options: OutboxOptions) {
    if (!options.source) throw new Error('Outbox: source (the service name) is required');
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? uuidv7;
  }

  /**
   * Inserts one message; resolves to its id (also its `ce_id` header).
   * @param tx the caller's transaction, e.g. the `tx` of `prisma.$transaction(async (tx) => ...)`.
   *   Passing the Prisma client itself works too, but then the message is not atomic with anything.
   */
  async enqueue(tx: SqlExecutor, message: OutboxMessage): Promise<string> {
    const [id] = await this.enqueueAll(tx, [message]);
    return id as string;
  }

  /**
   * Inserts `messages` in one statement, in the order given (each row's `created_at` and its
   * UUIDv7 id rise in that order, so the relay publishes them so); resolves to their ids. A step
   * that writes several messages costs one round trip, not one per message.
   */
  async enqueueAll(tx: SqlExecutor, messages: readonly OutboxMessage[]): Promise<string[]> {
    if (messages.length === 0) return [];
    // The operation under way (a gRPC call, a consumed message) is the next hop's parent; the
    // caller's value serves where nothing is traced, e.g. a timer continuing a stored trace.
    const active = activeTraceparent();
    const ids: string[] = [];
    const params: unknown[] = [];
    for (const message of messages) {
      const id = this.newId();
      const traceparent = active ?? message.traceparent;
      const headers = envelopeHeaders({
        id,
        type: message.type,
        source: this.options.source,
        time: this.now(),
        subject: message.subject,
        traceparent,
      });
      ids.push(id);
      params.push(
        id,
        message.topic,
        message.key,
        message.type,
        Buffer.from(message.payload.buffer, message.payload.byteOffset, message.payload.byteLength),
        JSON.stringify(headers),
        traceparent ?? null,
      );
    }
    await tx.$executeRawUnsafe(OUTBOX_COLUMNS + messages.map((_, row) => valuesRow(row)).join(', '), ...params);
    return ids;
  }

  /**
   * {@link enqueue} for an event of the catalog: topic, type and encoding come from `EVENTS.<Name>`.
   * @example outbox.enqueueEvent(tx, EVENTS.OrderConfirmed, confirmed, { key: order.id, subject: order.id })
   */
  enqueueEvent<T>(
    tx: SqlExecutor,
    event: EventDefinition<T>,
    payload: T,
    options: { key: string; subject?: string; traceparent?: string },
  ): Promise<string> {
    return this.enqueue(tx, eventMessage(event, payload, options));
  }
}

/**
 * The outbox message for an event of the catalog: topic, type and encoding from `EVENTS.<Name>`.
 * For {@link Outbox.enqueueAll} of several events at once.
 */
export function eventMessage<T>(
  event: EventDefinition<T>,
  payload: T,
  options: { key: string; subject?: string; traceparent?: string },
): OutboxMessage {
  return { topic: event.topic, type: event.type, payload: event.codec.encode(payload).finish(), ...options };
}
