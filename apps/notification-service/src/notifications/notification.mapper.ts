import { notificationV1 } from '@ecommerce/contracts';
import type {
  Notification,
  NotificationStatus,
  NotificationType,
} from '../generated/prisma/client';

const TYPES: Record<NotificationType, notificationV1.NotificationType> = {
  WELCOME: notificationV1.NotificationType.WELCOME,
  ORDER_CONFIRMED: notificationV1.NotificationType.ORDER_CONFIRMED,
  ORDER_CANCELLED: notificationV1.NotificationType.ORDER_CANCELLED,
};

const STATUSES: Record<NotificationStatus, notificationV1.NotificationStatus> = {
  PENDING: notificationV1.NotificationStatus.PENDING,
  SENT: notificationV1.NotificationStatus.SENT,
  FAILED: notificationV1.NotificationStatus.FAILED,
};

// The column is free text so that a channel can be added without a migration; one the
// contract does not know yet reads as UNSPECIFIED.
const channelOf = (channel: string) =>
  channel === 'email'
    ? notificationV1.NotificationChannel.EMAIL
    : notificationV1.NotificationChannel.UNSPECIFIED;

/** What a user may see of a notification: not the recipient address, the dedup key or the last error. */
export function toNotificationMessage(notification: Notification): notificationV1.Notification {
  return {
    id: notification.id,
    userId: notification.userId,
    type: TYPES[notification.type],
    channel: channelOf(notification.channel),
    subject: notification.subject,
    ...(notification.orderId ? { orderId: notification.orderId } : {}),
    createdAt: notification.createdAt.toISOString(),
    status: STATUSES[notification.status],
    attempts: notification.attempts,
    ...(notification.sentAt ? { sentAt: notification.sentAt.toISOString() } : {}),
  };
}
