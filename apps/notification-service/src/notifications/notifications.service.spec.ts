import { notificationV1 } from '@ecommerce/contracts';
import type { Notification } from '../generated/prisma/client';
import type { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';

const userId = '6f1c2a4e-8a7d-4a8e-9d61-1f0a3b2c4d5e';

const row: Notification = {
  id: '11111111-1111-4111-8111-111111111111',
  userId,
  type: 'WELCOME',
  channel: 'email',
  recipient: 'ada@example.com',
  subject: 'Welcome, Ada',
  orderId: null,
  dedupKey: `WELCOME:${userId}`,
  body: 'Hello Ada,',
  createdAt: new Date('2026-01-02T03:04:05.678Z'),
  status: 'PENDING',
  attempts: 0,
  nextAttemptAt: new Date('2026-01-02T03:04:05.678Z'),
  firstAttemptAt: null,
  sentAt: null,
  messageId: null,
  lastError: null,
  traceparent: null,
};

describe('NotificationsService, on a fake repository', () => {
  it("reads the page of the caller's notifications asked for, and counts the pages", async () => {
    const pageOfUser = jest.fn().mockResolvedValue({ notifications: [row], total: 21 });
    const service = new NotificationsService({ pageOfUser } as unknown as NotificationsRepository);

    const answer = await service.list({ userId: userId.toUpperCase(), page: 3, limit: 10 });
    expect(pageOfUser).toHaveBeenCalledWith(
      userId,
      expect.objectContaining({ page: 3, limit: 10 }),
    );
    expect(answer.pagination).toEqual({ page: 3, limit: 10, total: 21, pages: 3 });
    expect(answer.data).toEqual([
      expect.objectContaining({
        id: row.id,
        type: notificationV1.NotificationType.WELCOME,
        status: notificationV1.NotificationStatus.PENDING,
      }),
    ]);
  });

  it('refuses a bad request before reading anything', async () => {
    const pageOfUser = jest.fn();
    const service = new NotificationsService({ pageOfUser } as unknown as NotificationsRepository);
    await expect(service.list({ userId: 'me', page: 1, limit: 10 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(pageOfUser).not.toHaveBeenCalled();
  });
});
