import { orderV1, type orderEventsV1 } from '@ecommerce/contracts';

/** What a notification is about (the `notification_type` enum of the database). */
export type NotificationType = 'WELCOME' | 'ORDER_CONFIRMED' | 'ORDER_CANCELLED';

/** One notification before it is sent: what it is, its unique key, and the email. */
export interface NotificationContent {
  type: NotificationType;
  /** Unique per notification: `WELCOME:<user>`, `ORDER_CONFIRMED:<order>`, `ORDER_CANCELLED:<order>`. */
  dedupKey: string;
  userId: string;
  orderId?: string;
  subject: string;
  text: string;
}

/** Greets by name when the user's registration is known, else plainly. */
const hello = (name: string | undefined) => (name ? `Hello ${name},` : 'Hello,');

const SUBJECT_MAX = 200;

/** Why an order was cancelled, in the words of the email. */
export const CANCELLATION_REASONS: Record<orderV1.CancellationReason, string> = {
  [orderV1.CancellationReason.OUT_OF_STOCK]: 'some of its items were out of stock',
  [orderV1.CancellationReason.PAYMENT_DECLINED]: 'the payment was declined',
  [orderV1.CancellationReason.PAYMENT_ERROR]: 'the payment could not be processed',
  [orderV1.CancellationReason.CUSTOMER_REQUEST]: 'you asked us to cancel it',
  [orderV1.CancellationReason.TIMEOUT]: 'it could not be completed in time',
  [orderV1.CancellationReason.UNSPECIFIED]: 'it could not be completed',
  [orderV1.CancellationReason.UNRECOGNIZED]: 'it could not be completed',
};

export function welcomeNotification(recipient: { userId: string; name: string; email: string }): NotificationContent {
  return {
    type: 'WELCOME',
    dedupKey: `WELCOME:${recipient.userId}`,
    userId: recipient.userId,
    subject: clip(`Welcome, ${recipient.name}`),
    text: lines(
      hello(recipient.name),
      '',
      `your account ${recipient.email} is ready. Happy shopping!`,
    ),
  };
}

export function orderConfirmedNotification(
  name: string | undefined,
  event: orderEventsV1.OrderConfirmed,
): NotificationContent {
  return {
    type: 'ORDER_CONFIRMED',
    dedupKey: `ORDER_CONFIRMED:${event.orderId}`,
    userId: event.userId,
    orderId: event.orderId,
    subject: `Your order ${shortId(event.orderId)} is confirmed`,
    text: lines(
      hello(name),
      '',
      `your order ${event.orderId} is confirmed: your payment of ${money(event.totalCents, event.currency)} was received.`,
    ),
  };
}

export function orderCancelledNotification(
  name: string | undefined,
  event: orderEventsV1.OrderCancelled,
): NotificationContent {
  return {
    type: 'ORDER_CANCELLED',
    dedupKey: `ORDER_CANCELLED:${event.orderId}`,
    userId: event.userId,
    orderId: event.orderId,
    subject: `Your order ${shortId(event.orderId)} was cancelled`,
    text: lines(
      hello(name),
      '',
      `your order ${event.orderId} was cancelled because ${CANCELLATION_REASONS[event.reason]}.`,
      'Anything you paid for it is refunded.',
    ),
  };
}

/** `4990, 'EUR'` → `49.90 EUR`. Minor units are cents for every currency the shop sells in. */
export function money(cents: number, currency: string): string {
  return `${(cents / 100).toFixed(2)} ${currency}`;
}

const shortId = (id: string) => id.slice(0, 8);
const clip = (subject: string) => (subject.length > SUBJECT_MAX ? `${subject.slice(0, SUBJECT_MAX - 1)}…` : subject);
const lines = (...text: string[]) => `${text.join('\n')}\n`;
