import { notificationV1 } from '@ecommerce/contracts';
import type { Notification } from '../generated/prisma/client';
import { toNotificationMessage } from './notification.mapper';

const userId = '6f1c2a4e-8a7d-4a8e-9d61-1f0a3b2c4d5e';

describe('toNotificationMessage', () => {
  const row: Notification = {
    id: '11111111-1111-4111-8111-111111111111',
    userId,
    type: 'ORDER_CONFIRMED',
    channel: 'email',
    recipient: 'ada@example.com',
    subject: 'Your order is confirmed',
    orderId: '22222222-2222-4222-8222-222222222222',
    dedupKey: 'ORDER_CONFIRMED:22222222-2222-4222-8222-222222222222',
    body: 'Hello Ada,',
    createdAt: new Date('2026-01-02T03:04:05.678Z'),
    status: 'SENT',
    attempts: 2,
    nextAttemptAt: new Date('2026-01-02T03:04:06.000Z'),
    firstAttemptAt: new Date('2026-01-02T03:04:05.700Z'),
    sentAt: new Date('2026-01-02T03:04:07.123Z'),
    messageId: '<abc@notification-service>',
    lastError: '421 try later',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  };

  it('shows the user what was sent and how, without the address, the dedup key or the last error', () => {
    expect(toNotificationMessage(row)).toEqual({
      id: row.id,
      userId,
      type: notificationV1.NotificationType.ORDER_CONFIRMED,
      channel: notificationV1.NotificationChannel.EMAIL,
      subject: 'Your order is confirmed',
      orderId: row.orderId,
      createdAt: '2026-01-02T03:04:05.678Z',
      status: notificationV1.NotificationStatus.SENT,
      attempts: 2,
      sentAt: '2026-01-02T03:04:07.123Z',
    });
  });

  it('has no sentAt while PENDING or FAILED', () => {
    for (const status of ['PENDING', 'FAILED'] as const) {
      const message = toNotificationMessage({ ...row, status, sentAt: null });
      expect(message).not.toHaveProperty('sentAt');
      expect(message.status).toBe(notificationV1.NotificationStatus[status]);
    }
  });

  it('leaves orderId out when there is none, and reads an unknown channel as UNSPECIFIED', () => {
    const message = toNotificationMessage({
      ...row,
      type: 'WELCOME',
      orderId: null,
      channel: 'sms',
    });
    expect(message).not.toHaveProperty('orderId');
    expect(message.type).toBe(notificationV1.NotificationType.WELCOME);
    expect(message.channel).toBe(notificationV1.NotificationChannel.UNSPECIFIED);
  });
});
