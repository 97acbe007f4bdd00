import { notificationV1 } from '@ecommerce/contracts';
import type { NOTIFICATION_TYPES, NotificationResponse } from './notifications.schemas';

type NotificationType = (typeof NOTIFICATION_TYPES)[number];

const TYPE: Record<notificationV1.NotificationType, NotificationType | undefined> = {
  [notificationV1.NotificationType.WELCOME]: 'WELCOME',
  [notificationV1.NotificationType.ORDER_CONFIRMED]: 'ORDER_CONFIRMED',
  [notificationV1.NotificationType.ORDER_CANCELLED]: 'ORDER_CANCELLED',
  [notificationV1.NotificationType.UNSPECIFIED]: undefined,
  [notificationV1.NotificationType.UNRECOGNIZED]: undefined,
};

const CHANNEL: Record<notificationV1.NotificationChannel, 'email' | undefined> = {
  [notificationV1.NotificationChannel.EMAIL]: 'email',
  [notificationV1.NotificationChannel.UNSPECIFIED]: undefined,
  [notificationV1.NotificationChannel.UNRECOGNIZED]: undefined,
};

export function toNotification(notification: notificationV1.Notification): NotificationResponse {
  const type = TYPE[notification.type];
  const channel = CHANNEL[notification.channel];
  if (!type || !channel) throw new Error(`notification-service sent ${notification.type} / ${notification.channel}`);
  return {
    id: notification.id,
    type,
    channel,
    subject: notification.subject,
    ...(notification.orderId ? { orderId: notification.orderId } : {}),
    createdAt: notification.createdAt,
  };
}
