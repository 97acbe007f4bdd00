import { notificationV1 } from '@ecommerce/contracts';
import type { NOTIFICATION_STATUSES, NOTIFICATION_TYPES, NotificationResponse } from './notifications.schemas';

type NotificationType = (typeof NOTIFICATION_TYPES)[number];
type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

const TYPE: Record<notificationV1.NotificationType, NotificationType | undefined> = {
  [notificationV1.NotificationType.WELCOME]: 'WELCOME',
  [notificationV1.NotificationType.ORDER_CONFIRMED]: 'ORDER_CONFIRMED',
  [notificationV1.NotificationType.ORDER_CANCELLED]: 'ORDER_CANCELLED',
  [notificationV1.NotificationType.UNSPECIFIED]: undefined,
  [notificationV1.NotificationType.UNRECOGNIZED]: undefined,
};

const STATUS: Record<notificationV1.NotificationStatus, NotificationStatus | undefined> = {
  [notificationV1.NotificationStatus.PENDING]: 'PENDING',
  [notificationV1.NotificationStatus.SENT]: 'SENT',
  [notificationV1.NotificationStatus.FAILED]: 'FAILED',
  [notificationV1.NotificationStatus.UNSPECIFIED]: undefined,
  [notificationV1.NotificationStatus.UNRECOGNIZED]: undefined,
};

const CHANNEL: Record<notificationV1.NotificationChannel, 'email' | undefined> = {
  [notificationV1.NotificationChannel.EMAIL]: 'email',
  [notificationV1.NotificationChannel.UNSPECIFIED]: undefined,
  [notificationV1.NotificationChannel.UNRECOGNIZED]: undefined,
};

export function toNotification(notification: notificationV1.Notification): NotificationResponse {
  const type = TYPE[notification.type];
  const channel = CHANNEL[notification.channel];
  const status = STATUS[notification.status];
  if (!type || !channel || !status) {
    throw new Error(`notification-service sent ${notification.type} / ${notification.channel} / ${notification.status}`);
  }
  return {
    id: notification.id,
    type,
    channel,
    subject: notification.subject,
    ...(notification.orderId ? { orderId: notification.orderId } : {}),
    status,
    attempts: notification.attempts,
    ...(notification.sentAt ? { sentAt: notification.sentAt } : {}),
    createdAt: notification.createdAt,
  };
}
