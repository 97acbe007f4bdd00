import { notificationV1 } from '@ecommerce/contracts';
import type { Notification, NotificationType } from '../generated/prisma/client';

const TYPES: Record<NotificationType, notificationV1.NotificationType> = {
  WELCOME: notificationV1.NotificationType.WELCOME,
  ORDER_CONFIRMED: notificationV1.NotificationType.ORDER_CONFIRMED,
  ORDER_CANCELLED: notificationV1.NotificationType.ORDER_CANCELLED,
};

// The column is free text so that a channel can be added without a migration; one the
// contract does not know yet reads as UNSPECIFIED.
const channelOf = (channel: string) =>
  channel === 'email' ? notificationV1.NotificationChannel.EMAIL : notificationV1.NotificationChannel.UNSPECIFIED;

/** What a user may see of a notification: not the recipient address or the dedup key. */
export function toNotificationMessage(notification: Notification): notificationV1.Notification {
  return {
    id: notification.id,
    userId: notification.userId,
    type: TYPES[notification.type],
    channel: channelOf(notification.channel),
    subject: notification.subject,
    ...(notification.orderId ? { orderId: notification.orderId } : {}),
    createdAt: notification.createdAt.toISOString(),
  };
}
