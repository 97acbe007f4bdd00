import { randomUUID } from 'node:crypto';
import { type ServiceError, status } from '@grpc/grpc-js';
import { PrismaPg } from '@prisma/adapter-pg';
import { notificationV1 } from '@ecommerce/contracts';
import { errorCodeOf, fieldErrorsOf } from '@ecommerce/errors';
import { DEFAULT_RESILIENCE, ResilientGrpcClient } from '@ecommerce/grpc';
import {
  AppProcess,
  appEnv,
  databaseUrl,
  freePort,
  waitForServing,
  serviceCredentials,
} from '@ecommerce/testing';
import { PrismaClient } from '../generated/prisma/client';

/** The gRPC error a call failed with (fails the test if it succeeded). */
async function failure(call: Promise<unknown>): Promise<ServiceError> {
  const outcome = await call.then(
    (value) => ({ value }),
    (error: ServiceError) => ({ error }),
  );
  if (!('error' in outcome))
    throw new Error(`expected the call to fail, got ${JSON.stringify(outcome.value)}`);
  return outcome.error;
}

describe('notification-service notifications over gRPC', () => {
  // The service's own database, written the way the event consumers will write it.
  const db = new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl('notification') }),
  });
  let app: AppProcess;
  let notifications: ResilientGrpcClient<notificationV1.NotificationServiceClient>;
  const ada = randomUUID();
  const bob = randomUUID();

  beforeAll(async () => {
    const port = await freePort();
    app = AppProcess.start(
      'notification-service',
      appEnv('notification-service', {
        grpcPorts: { 'notification-service': port },
        metricsPorts: { 'notification-service': await freePort() },
      }),
    );
    await waitForServing(`127.0.0.1:${port}`, 30_000, app);
    notifications = new ResilientGrpcClient('notification', `127.0.0.1:${port}`, {
      credentials: serviceCredentials(),
      resilience: {
        ...DEFAULT_RESILIENCE,
        retries: 0,
      },
    });
  });

  afterAll(async () => {
    await db.notification.deleteMany({ where: { userId: { in: [ada, bob] } } });
    await db.$disconnect();
    notifications?.close();
    await app?.stop();
  });

  it('lists only the caller’s own notifications, newest first, in pages', async () => {
    const orderId = randomUUID();
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));
    await db.notification.createMany({
      data: [
        {
          userId: ada,
          type: 'WELCOME',
          recipient: 'ada@example.com',
          subject: 'Welcome, Ada',
          dedupKey: `WELCOME:${ada}`,
          createdAt: at(0),
        },
        {
          userId: ada,
          type: 'ORDER_CONFIRMED',
          recipient: 'ada@example.com',
          subject: 'Order confirmed',
          orderId,
          dedupKey: `ORDER_CONFIRMED:${orderId}`,
          createdAt: at(5),
        },
        {
          userId: ada,
          type: 'ORDER_CANCELLED',
          recipient: 'ada@example.com',
          subject: 'Order cancelled',
          orderId,
          dedupKey: `ORDER_CANCELLED:${orderId}`,
          createdAt: at(9),
        },
        {
          userId: bob,
          type: 'WELCOME',
          recipient: 'bob@example.com',
          subject: 'Welcome, Bob',
          dedupKey: `WELCOME:${bob}`,
          createdAt: at(7),
        },
      ],
    });

    const first = await notifications.call('listNotifications', { userId: ada, page: 1, limit: 2 });
    expect(first.pagination).toEqual({ page: 1, limit: 2, total: 3, pages: 2 });
    expect(first.data.map((n) => n.subject)).toEqual(['Order cancelled', 'Order confirmed']);
    // toMatchObject: proto-loader's `oneofs` adds a `_orderId` marker for the optional field.
    expect(first.data[0]).toMatchObject({
      id: expect.any(String),
      userId: ada,
      type: notificationV1.NotificationType.ORDER_CANCELLED,
      channel: notificationV1.NotificationChannel.EMAIL,
      subject: 'Order cancelled',
      orderId,
      createdAt: at(9).toISOString(),
    });
    expect(first.data[0]).not.toHaveProperty('recipient');
    expect(first.data[0]).not.toHaveProperty('dedupKey');

    const second = await notifications.call('listNotifications', {
      userId: ada,
      page: 2,
      limit: 2,
    });
    expect(second.data.map((n) => n.subject)).toEqual(['Welcome, Ada']);
    expect(second.data[0]?.type).toBe(notificationV1.NotificationType.WELCOME);
    expect(second.data[0]?.orderId).toBeUndefined();

    const bobs = await notifications.call('listNotifications', { userId: bob, page: 1, limit: 10 });
    expect(bobs.data.map((n) => n.subject)).toEqual(['Welcome, Bob']);
  });

  it('returns an empty page for a user with no notifications, and for a page past the end', async () => {
    await expect(
      notifications.call('listNotifications', { userId: randomUUID(), page: 1, limit: 10 }),
    ).resolves.toEqual({
      data: [],
      pagination: { page: 1, limit: 10, total: 0, pages: 0 },
    });
    const past = await notifications.call('listNotifications', { userId: ada, page: 5, limit: 10 });
    expect(past.data).toEqual([]);
  });

  it('answers bad input with INVALID_ARGUMENT and field errors', async () => {
    const error = await failure(
      notifications.call('listNotifications', { userId: 'me', page: 1, limit: 500 }),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(errorCodeOf(error)).toBe('VALIDATION_FAILED');
    expect(fieldErrorsOf(error)).toEqual([
      { field: 'userId', message: 'must be a UUID' },
      { field: 'limit', message: 'must be at most 100' },
    ]);
  });
});
