import type { MessageFns } from './gen/ecommerce/common/v1/pagination';
import * as inventoryEventsV1 from './gen/ecommerce/inventory/v1/events';
import * as orderEventsV1 from './gen/ecommerce/order/v1/events';
import * as paymentEventsV1 from './gen/ecommerce/payment/v1/events';
import * as userEventsV1 from './gen/ecommerce/user/v1/events';
import { TOPICS, type Topic } from './topics';

/** One Kafka message kind: its CloudEvents `type`, the topic it travels on, and its proto codec. */
export interface EventDefinition<T> {
  /** The fully-qualified proto message name, used as the CloudEvents `type` header. */
  readonly type: string;
  readonly topic: Topic;
  readonly codec: MessageFns<T>;
}

function event<T>(
  protobufPackage: string,
  name: string,
  topic: Topic,
  codec: MessageFns<T>,
): EventDefinition<T> {
  return { type: `${protobufPackage}.${name}`, topic, codec };
}

const inv = inventoryEventsV1.protobufPackage;
const pay = paymentEventsV1.protobufPackage;
const ord = orderEventsV1.protobufPackage;
const usr = userEventsV1.protobufPackage;

/**
 * Every message that travels over Kafka, by message name. Producers take the topic and
 * `type` header from here; consumers look the `type` header up with {@link eventByType}
 * to decode the payload.
 */
export const EVENTS = {
  // order -> inventory
  ReserveInventory: event(
    inv,
    'ReserveInventory',
    TOPICS.inventoryCommands,
    inventoryEventsV1.ReserveInventory,
  ),
  CommitReservation: event(
    inv,
    'CommitReservation',
    TOPICS.inventoryCommands,
    inventoryEventsV1.CommitReservation,
  ),
  ReleaseInventory: event(
    inv,
    'ReleaseInventory',
    TOPICS.inventoryCommands,
    inventoryEventsV1.ReleaseInventory,
  ),
  // inventory -> order
  InventoryReserved: event(
    inv,
    'InventoryReserved',
    TOPICS.inventoryEvents,
    inventoryEventsV1.InventoryReserved,
  ),
  InventoryRejected: event(
    inv,
    'InventoryRejected',
    TOPICS.inventoryEvents,
    inventoryEventsV1.InventoryRejected,
  ),
  InventoryCommitted: event(
    inv,
    'InventoryCommitted',
    TOPICS.inventoryEvents,
    inventoryEventsV1.InventoryCommitted,
  ),
  InventoryReleased: event(
    inv,
    'InventoryReleased',
    TOPICS.inventoryEvents,
    inventoryEventsV1.InventoryReleased,
  ),
  // order -> payment
  CapturePayment: event(
    pay,
    'CapturePayment',
    TOPICS.paymentCommands,
    paymentEventsV1.CapturePayment,
  ),
  RefundPayment: event(pay, 'RefundPayment', TOPICS.paymentCommands, paymentEventsV1.RefundPayment),
  // payment -> order
  PaymentCaptured: event(
    pay,
    'PaymentCaptured',
    TOPICS.paymentEvents,
    paymentEventsV1.PaymentCaptured,
  ),
  PaymentDeclined: event(
    pay,
    'PaymentDeclined',
    TOPICS.paymentEvents,
    paymentEventsV1.PaymentDeclined,
  ),
  PaymentFailed: event(pay, 'PaymentFailed', TOPICS.paymentEvents, paymentEventsV1.PaymentFailed),
  PaymentRefunded: event(
    pay,
    'PaymentRefunded',
    TOPICS.paymentEvents,
    paymentEventsV1.PaymentRefunded,
  ),
  // order -> anyone (notification)
  OrderCreated: event(ord, 'OrderCreated', TOPICS.orderEvents, orderEventsV1.OrderCreated),
  OrderConfirmed: event(ord, 'OrderConfirmed', TOPICS.orderEvents, orderEventsV1.OrderConfirmed),
  OrderCancelled: event(ord, 'OrderCancelled', TOPICS.orderEvents, orderEventsV1.OrderCancelled),
  // user -> anyone (notification)
  UserRegistered: event(usr, 'UserRegistered', TOPICS.userEvents, userEventsV1.UserRegistered),
  UserDeleted: event(usr, 'UserDeleted', TOPICS.userEvents, userEventsV1.UserDeleted),
} as const;

export type EventName = keyof typeof EVENTS;

/** The payload type of an event, e.g. `EventPayload<'OrderConfirmed'>`. */
export type EventPayload<N extends EventName> =
  (typeof EVENTS)[N] extends EventDefinition<infer T> ? T : never;

const byType: ReadonlyMap<string, EventDefinition<unknown>> = new Map(
  Object.values(EVENTS).map((definition) => [
    definition.type,
    definition as EventDefinition<unknown>,
  ]),
);

/** The definition for a CloudEvents `type` header, or undefined for a type this build does not know. */
export function eventByType(type: string): EventDefinition<unknown> | undefined {
  return byType.get(type);
}

/** Payload bytes of an event (`fromPartial` fills unset fields with proto defaults). */
export function encodeEvent<N extends EventName>(name: N, payload: EventPayload<N>): Uint8Array {
  const { codec } = EVENTS[name] as unknown as EventDefinition<EventPayload<N>>;
  return codec.encode(payload).finish();
}
