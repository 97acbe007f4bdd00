import {
  type EventPayload,
  type inventoryEventsV1,
  orderV1,
  type paymentEventsV1,
} from '@ecommerce/contracts';
import { type CancellationReason, type OrderStatus, transition } from './order-state';

/**
 * The order saga as one pure function (docs/saga.md): given where the saga and its order
 * stand and what just happened, {@link decide} says what changes, which messages to send and
 * what to write in the timeline. It reads no clock, database or broker, so every state ×
 * event pair is unit-tested (order-saga.spec.ts); `SagaService` (saga/) applies its answer in
 * the transaction that holds the saga row's lock.
 */

/** Where the saga stands (`order_sagas.state`). */
export type SagaState = 'RESERVING' | 'PAYING' | 'CANCELLING' | 'COMPENSATING' | 'DONE';

/** The saga steps a timeline entry can record (the proto's names without the prefix). */
export type TimelineStepName = Exclude<
  keyof typeof orderV1.TimelineStep,
  'UNSPECIFIED' | 'UNRECOGNIZED'
>;

/** The saga row, as far as the decisions need it. */
export interface SagaSnapshot {
  state: SagaState;
  /** CANCELLING only: what the cancellation interrupted (RESERVING or PAYING). */
  cancelledWhile: SagaState | null;
  awaitingRefund: boolean;
  awaitingRelease: boolean;
  /** CANCELLING and COMPENSATING: the reason the order will be cancelled with. */
  cancellationReason: CancellationReason | null;
  deadlineAt: Date;
}

/** The order, as far as the decisions (and the messages they send) need it. */
export interface OrderSnapshot {
  id: string;
  userId: string;
  status: OrderStatus;
  cancellationReason: CancellationReason | null;
  totalCents: number;
  currency: string;
  paymentMethod: string;
  createdAt: Date;
  items: ReadonlyArray<{ productId: string; quantity: number; unitPriceCents: number }>;
}

/** A participant's reply, as consumed from Kafka. */
export type SagaReply =
  | { type: 'InventoryReserved'; payload: inventoryEventsV1.InventoryReserved }
  | { type: 'InventoryRejected'; payload: inventoryEventsV1.InventoryRejected }
  | { type: 'InventoryCommitted'; payload: inventoryEventsV1.InventoryCommitted }
  | { type: 'InventoryReleased'; payload: inventoryEventsV1.InventoryReleased }
  | { type: 'PaymentCaptured'; payload: paymentEventsV1.PaymentCaptured }
  | { type: 'PaymentDeclined'; payload: paymentEventsV1.PaymentDeclined }
  | { type: 'PaymentFailed'; payload: paymentEventsV1.PaymentFailed }
  | { type: 'PaymentRefunded'; payload: paymentEventsV1.PaymentRefunded };

/** Everything that moves a saga: the replies, the customer's CancelOrder, the deadline sweeper. */
export type SagaEvent =
  | SagaReply
  | { type: 'CancelRequested'; reason: CancellationReason }
  | { type: 'DeadlinePassed' };

/** The messages the saga sends, each with its payload. */
type OutgoingName =
  | 'ReserveInventory'
  | 'CommitReservation'
  | 'ReleaseInventory'
  | 'CapturePayment'
  | 'RefundPayment'
  | 'OrderCreated'
  | 'OrderConfirmed'
  | 'OrderCancelled';
export type SagaMessage = {
  [N in OutgoingName]: { name: N; payload: EventPayload<N> };
}[OutgoingName];

export interface TimelineRecord {
  step: TimelineStepName;
  /** The order's status once this step was recorded. */
  status: OrderStatus;
  detail?: string;
}

export interface SagaDecision {
  /**
   * - `applied`: the step the saga waited for (or a cancellation) moved it on;
   * - `compensated`: a late reply for a saga that moved on, undone (a refund, a release);
   * - `ignored`: nothing to do: a duplicate, or a reply this state does not expect;
   * - `refused`: the request cannot be honoured (`refusal` says why); nothing changes.
   */
  outcome: 'applied' | 'compensated' | 'ignored' | 'refused';
  /** Why a message was ignored or refused, for the log. */
  note?: string;
  refusal?: 'ORDER_ALREADY_CANCELLED';
  saga: SagaSnapshot;
  order: { status: OrderStatus; cancellationReason: CancellationReason | null };
  timeline: TimelineRecord[];
  messages: SagaMessage[];
}

export interface SagaStart {
  saga: SagaSnapshot;
  timeline: TimelineRecord[];
  messages: SagaMessage[];
}

/** A new order's saga: RESERVING until `now + timeoutMs`, with ReserveInventory and OrderCreated to send. */
export function startSaga(order: OrderSnapshot, now: Date, timeoutMs: number): SagaStart {
  return {
    saga: {
      state: 'RESERVING',
      cancelledWhile: null,
      awaitingRefund: false,
      awaitingRelease: false,
      cancellationReason: null,
      deadlineAt: new Date(now.getTime() + timeoutMs),
    },
    timeline: [{ step: 'ORDER_CREATED', status: 'PENDING' }],
    messages: [
      {
        name: 'ReserveInventory',
        payload: {
          orderId: order.id,
          items: order.items.map(({ productId, quantity }) => ({ productId, quantity })),
        },
      },
      {
        name: 'OrderCreated',
        payload: {
          orderId: order.id,
          userId: order.userId,
          items: order.items.map(({ productId, quantity, unitPriceCents }) => ({
            productId,
            quantity,
            unitPriceCents,
          })),
          totalCents: order.totalCents,
          currency: order.currency,
          createdAt: order.createdAt.toISOString(),
        },
      },
    ],
  };
}

/** What `event` does to a saga in state `saga` whose order is `order`, at time `now`. */
export function decide(
  saga: SagaSnapshot,
  order: OrderSnapshot,
  event: SagaEvent,
  now: Date,
): SagaDecision {
  const step = new Step(saga, order, now);
  const { state } = saga;
  const cancelled = state === 'DONE' && order.status === 'CANCELLED';
  const cancellingWhile = (interrupted: SagaState) =>
    state === 'CANCELLING' && saga.cancelledWhile === interrupted;

  switch (event.type) {
    case 'InventoryReserved':
      if (state === 'RESERVING')
        return step
          .record('INVENTORY_RESERVED')
          .moveTo({ state: 'PAYING' })
          .send(step.capture())
          .applied();
      if (cancellingWhile('RESERVING'))
        return step
          .record('INVENTORY_RESERVED', 'cancellation requested: releasing')
          .compensate(reasonOf(saga), { release: true });
      // The saga gave the order up before this reservation was reported: release it (again;
      // ReleaseInventory is idempotent), unless a release is on its way already.
      if ((state === 'COMPENSATING' && !saga.awaitingRelease) || cancelled)
        return step
          .record('INVENTORY_RESERVED', 'reported after the order was given up: releasing')
          .send(step.release())
          .compensated();
      return step.ignored(`InventoryReserved is not expected by a ${describe(saga, order)} saga`);

    case 'InventoryRejected': {
      const detail = rejectionDetail(event.payload);
      if (state === 'RESERVING')
        return step.record('INVENTORY_REJECTED', detail).cancelOrder('OUT_OF_STOCK');
      if (cancellingWhile('RESERVING'))
        return step.record('INVENTORY_REJECTED', detail).cancelOrder(reasonOf(saga));
      return step.ignored(`InventoryRejected is not expected by a ${describe(saga, order)} saga`);
    }

    case 'PaymentCaptured':
      if (state === 'PAYING') return step.record('PAYMENT_CAPTURED').confirmOrder();
      if (cancellingWhile('PAYING'))
        return step
          .record('PAYMENT_CAPTURED', 'cancellation requested: refunding')
          .compensate(reasonOf(saga), { refund: true, release: true });
      // A charge reported after the saga gave the order up (a timeout, a decline) is refunded.
      if ((state === 'COMPENSATING' && !saga.awaitingRefund) || cancelled)
        return step
          .record('PAYMENT_CAPTURED', 'reported after the order was given up: refunding')
          .send(step.refund())
          .compensated();
      return step.ignored(`PaymentCaptured is not expected by a ${describe(saga, order)} saga`);

    case 'PaymentDeclined':
    case 'PaymentFailed': {
      const [recorded, detail, reason]: [TimelineStepName, string, CancellationReason] =
        event.type === 'PaymentDeclined'
          ? ['PAYMENT_DECLINED', event.payload.declineCode, 'PAYMENT_DECLINED']
          : ['PAYMENT_FAILED', failureDetail(event.payload), 'PAYMENT_ERROR'];
      // Nothing was charged: only the reserved stock goes back.
      if (state === 'PAYING')
        return step.record(recorded, detail).compensate(reason, { release: true });
      if (cancellingWhile('PAYING'))
        return step.record(recorded, detail).compensate(reasonOf(saga), { release: true });
      return step.ignored(`${event.type} is not expected by a ${describe(saga, order)} saga`);
    }

    case 'PaymentRefunded':
      if (state === 'COMPENSATING' && saga.awaitingRefund)
        return step
          .record('PAYMENT_REFUNDED', refundDetail(event.payload))
          .acknowledge({ refund: true });
      return step.ignored(`PaymentRefunded is not expected by a ${describe(saga, order)} saga`);

    case 'InventoryReleased':
      if (state === 'COMPENSATING' && saga.awaitingRelease)
        return step.record('INVENTORY_RELEASED').acknowledge({ release: true });
      return step.ignored(`InventoryReleased is not expected by a ${describe(saga, order)} saga`);

    case 'InventoryCommitted':
      // Timeline only: the sale was final once the payment was captured.
      if (order.status === 'CONFIRMED' && (state === 'DONE' || state === 'COMPENSATING'))
        return step.record('INVENTORY_COMMITTED').applied();
      return step.ignored(`InventoryCommitted is not expected by a ${describe(saga, order)} saga`);

    case 'CancelRequested':
      if (state === 'RESERVING' || state === 'PAYING')
        return step
          .record('CANCELLATION_REQUESTED', event.reason)
          .moveTo({ state: 'CANCELLING', cancelledWhile: state, cancellationReason: event.reason })
          .applied();
      if (state === 'DONE' && order.status === 'CONFIRMED')
        return step
          .record('CANCELLATION_REQUESTED', event.reason)
          .compensate(event.reason, { refund: true, release: true });
      if (cancelled)
        return step.refused('ORDER_ALREADY_CANCELLED', 'the order is cancelled already');
      return step.ignored('the order is being cancelled already');

    case 'DeadlinePassed': {
      if (now < saga.deadlineAt) return step.ignored('the deadline has not passed');
      // Compensate at once whatever the step in flight may have done: the compensation is
      // queued behind that step's command on the same key, so the participant handles it
      // after the step, and answers it even when the step did nothing.
      const interrupted = state === 'CANCELLING' ? saga.cancelledWhile : state;
      const reason = state === 'CANCELLING' ? reasonOf(saga) : 'TIMEOUT';
      if (interrupted === 'RESERVING')
        return step
          .record('SAGA_TIMED_OUT', 'no answer to ReserveInventory')
          .compensate(reason, { release: true });
      if (interrupted === 'PAYING')
        return step
          .record('SAGA_TIMED_OUT', 'no answer to CapturePayment')
          .compensate(reason, { refund: true, release: true });
      return step.ignored(`a ${describe(saga, order)} saga has no deadline`);
    }

    default:
      return unknownEvent(event);
  }
}

/** Builds one decision: the changes accumulate, a terminal method returns the result. */
class Step {
  private next: SagaSnapshot;
  private orderStatus: OrderStatus;
  private orderReason: CancellationReason | null;
  private readonly entries: TimelineRecord[] = [];
  private readonly outgoing: SagaMessage[] = [];

  constructor(
    private readonly saga: SagaSnapshot,
    private readonly order: OrderSnapshot,
    private readonly now: Date,
  ) {
    this.next = saga;
    this.orderStatus = order.status;
    this.orderReason = order.cancellationReason;
  }

  record(step: TimelineStepName, detail?: string): this {
    this.entries.push({ step, status: this.orderStatus, ...(detail ? { detail } : {}) });
    return this;
  }

  moveTo(changes: Partial<SagaSnapshot>): this {
    this.next = { ...this.next, ...changes };
    return this;
  }

  send(...messages: SagaMessage[]): this {
    this.outgoing.push(...messages);
    return this;
  }

  /** Undo what the saga holds: send the compensations and wait for their acknowledgements. */
  compensate(
    reason: CancellationReason,
    what: { refund?: boolean; release?: boolean },
  ): SagaDecision {
    this.moveTo({
      state: 'COMPENSATING',
      cancelledWhile: null,
      cancellationReason: reason,
      awaitingRefund: what.refund ?? false,
      awaitingRelease: what.release ?? false,
    });
    if (what.refund) this.send(this.refund());
    if (what.release) this.send(this.release());
    return this.applied();
  }

  /** One awaited compensation arrived; the last one cancels the order. */
  acknowledge(what: { refund?: boolean; release?: boolean }): SagaDecision {
    const awaitingRefund = this.next.awaitingRefund && !what.refund;
    const awaitingRelease = this.next.awaitingRelease && !what.release;
    if (awaitingRefund || awaitingRelease)
      return this.moveTo({ awaitingRefund, awaitingRelease }).applied();
    return this.cancelOrder(reasonOf(this.next));
  }

  confirmOrder(): SagaDecision {
    this.setOrderStatus('CONFIRMED', null);
    this.done().record('ORDER_CONFIRMED');
    return this.send(
      { name: 'CommitReservation', payload: { orderId: this.order.id } },
      {
        name: 'OrderConfirmed',
        payload: { ...this.orderFacts(), confirmedAt: this.now.toISOString() },
      },
    ).applied();
  }

  cancelOrder(reason: CancellationReason): SagaDecision {
    this.setOrderStatus('CANCELLED', reason);
    this.done().record('ORDER_CANCELLED', reason);
    return this.send({
      name: 'OrderCancelled',
      payload: {
        ...this.orderFacts(),
        reason: orderV1.CancellationReason[reason],
        cancelledAt: this.now.toISOString(),
      },
    }).applied();
  }

  capture(): SagaMessage {
    return {
      name: 'CapturePayment',
      payload: {
        orderId: this.order.id,
        userId: this.order.userId,
        amountCents: this.order.totalCents,
        currency: this.order.currency,
        paymentMethod: this.order.paymentMethod,
      },
    };
  }

  refund(): SagaMessage {
    return { name: 'RefundPayment', payload: { orderId: this.order.id } };
  }

  release(): SagaMessage {
    return { name: 'ReleaseInventory', payload: { orderId: this.order.id } };
  }

  applied(): SagaDecision {
    return this.result('applied');
  }

  compensated(): SagaDecision {
    return this.result('compensated');
  }

  ignored(note: string): SagaDecision {
    return { ...this.unchanged(), outcome: 'ignored', note };
  }

  refused(refusal: 'ORDER_ALREADY_CANCELLED', note: string): SagaDecision {
    return { ...this.unchanged(), outcome: 'refused', refusal, note };
  }

  private done(): this {
    return this.moveTo({
      state: 'DONE',
      cancelledWhile: null,
      cancellationReason: null,
      awaitingRefund: false,
      awaitingRelease: false,
    });
  }

  /** Every status change goes through the order state machine: confirming a cancelled order throws. */
  private setOrderStatus(status: OrderStatus, reason: CancellationReason | null): void {
    this.orderStatus = transition(this.orderStatus, status);
    this.orderReason = reason;
  }

  private orderFacts() {
    const { id, userId, totalCents, currency } = this.order;
    return { orderId: id, userId, totalCents, currency };
  }

  private result(outcome: 'applied' | 'compensated'): SagaDecision {
    return {
      outcome,
      saga: this.next,
      order: { status: this.orderStatus, cancellationReason: this.orderReason },
      timeline: this.entries,
      messages: this.outgoing,
    };
  }

  private unchanged() {
    return {
      saga: this.saga,
      order: { status: this.order.status, cancellationReason: this.order.cancellationReason },
      timeline: [],
      messages: [],
    };
  }
}

/** The reason a cancelling or compensating saga remembered (the CHECK constraint guarantees one). */
function reasonOf(saga: SagaSnapshot): CancellationReason {
  if (!saga.cancellationReason) throw new Error(`a ${saga.state} saga has no cancellation reason`);
  return saga.cancellationReason;
}

function describe(saga: SagaSnapshot, order: OrderSnapshot): string {
  if (saga.state === 'DONE') return `DONE (${order.status})`;
  if (saga.state === 'CANCELLING') return `CANCELLING (while ${saga.cancelledWhile})`;
  return saga.state;
}

/** e.g. `INSUFFICIENT_STOCK: 2f1c… requested 3, available 1`. */
function rejectionDetail(payload: inventoryEventsV1.InventoryRejected): string {
  const reason = String(payload.reason).replace(/^REJECTION_REASON_/, '');
  const lines = payload.unavailable.map(
    (line) => `${line.productId} requested ${line.requested}, available ${line.available}`,
  );
  return lines.length ? `${reason}: ${lines.join('; ')}` : reason;
}

function failureDetail(payload: paymentEventsV1.PaymentFailed): string {
  return payload.attempts ? `${payload.error} (after ${payload.attempts} attempts)` : payload.error;
}

function refundDetail(payload: paymentEventsV1.PaymentRefunded): string {
  return payload.amountCents > 0
    ? `${payload.amountCents} ${payload.currency} refunded`
    : 'nothing was captured';
}

function unknownEvent(event: never): never {
  throw new Error(`unknown saga event ${JSON.stringify(event)}`);
}
