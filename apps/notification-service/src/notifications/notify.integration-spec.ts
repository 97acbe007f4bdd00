import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { EVENTS, TOPICS, deadLetterTopic, notificationV1, orderV1 } from '@ecommerce/contracts';
import { DEFAULT_RESILIENCE, ResilientGrpcClient } from '@ecommerce/grpc';
import type { ConsumedMessage } from '@ecommerce/kafka';
import {
  AppProcess,
  KafkaTestBus,
  SmtpSink,
  type TopicCollector,
  appEnv,
  databaseUrl,
  freePort,
  waitFor,
  waitForServing,
} from '@ecommerce/testing';
import { PrismaClient } from '../generated/prisma/client';

/**
 * Events in on user.events.v1 and order.events.v1 (as user-service and order-service publish
 * them), emails out to a real SMTP server run by the test, against the built service, a real
 * Postgres and the real broker. Each test uses user and order ids of its own.
 */

const USERS_GROUP = 'notification-service-users';
const ORDERS_GROUP = 'notification-service-orders';

describe('notification-service: emails for user and order events', () => {
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl('notification') }) });
  const keys = new Set<string>();
  const userIds: string[] = [];
  let smtp: SmtpSink;
  let app: AppProcess;
  let bus: KafkaTestBus;
  let notifications: ResilientGrpcClient<notificationV1.NotificationServiceClient>;
  const deadLetters: Record<string, TopicCollector> = {};

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    const port = await freePort();
    app = AppProcess.start('notification-service', {
      ...appEnv('notification-service', { grpcPorts: { 'notification-service': port }, metricsPorts: { 'notification-service': await freePort() } }),
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Shop Test <shop@example.com>',
    });
    await waitForServing(`127.0.0.1:${port}`, 60_000, app);
    notifications = new ResilientGrpcClient('notification', `127.0.0.1:${port}`, { ...DEFAULT_RESILIENCE, retries: 0 });
    bus = await KafkaTestBus.connect('notification-it');
    const ours = (message: ConsumedMessage) => message.key !== null && keys.has(message.key);
    for (const topic of [TOPICS.userEvents, TOPICS.orderEvents]) {
      deadLetters[topic] = await bus.collect(deadLetterTopic(topic), ours);
    }
  });

  afterAll(async () => {
    await db.notification.deleteMany({ where: { userId: { in: userIds } } });
    await db.recipient.deleteMany({ where: { userId: { in: userIds } } });
    await db.$disconnect();
    notifications?.close();
    await bus?.close();
    await app?.stop();
    await smtp?.stop();
  });

  function newUser(name = 'Ada') {
    const userId = randomUUID();
    keys.add(userId);
    userIds.push(userId);
    return { userId, name, email: `${name.toLowerCase()}-${userId}@example.com` };
  }

  function register(user: { userId: string; name: string; email: string }, id?: string) {
    return bus.publish(
      EVENTS.UserRegistered,
      { ...user, registeredAt: new Date().toISOString() },
      { key: user.userId, id },
    );
  }

  function newOrder(): string {
    const orderId = randomUUID();
    keys.add(orderId);
    return orderId;
  }

  function confirm(orderId: string, userId: string, id?: string) {
    return bus.publish(
      EVENTS.OrderConfirmed,
      { orderId, userId, totalCents: 12_345, currency: 'EUR', confirmedAt: new Date().toISOString() },
      { key: orderId, id },
    );
  }

  async function registered(name = 'Ada') {
    const user = newUser(name);
    await register(user);
    await smtp.waitFor(1, (mail) => mail.to.includes(user.email));
    return user;
  }

  it('welcomes a registered user: one email received, recorded, and listed to them', async () => {
    const ada = newUser('Ada');
    await register(ada);
    const [mail] = await smtp.waitFor(1, (m) => m.to.includes(ada.email));
    expect(mail?.subject).toBe('Welcome, Ada');
    expect(mail?.headers['from']).toBe('Shop Test <shop@example.com>');
    expect(mail?.text).toContain(`your account ${ada.email} is ready`);

    await expect(db.notification.findMany({ where: { userId: ada.userId } })).resolves.toEqual([
      expect.objectContaining({ type: 'WELCOME', channel: 'email', recipient: ada.email, dedupKey: `WELCOME:${ada.userId}` }),
    ]);
    await expect(db.recipient.findUnique({ where: { userId: ada.userId } })).resolves.toMatchObject({
      email: ada.email,
      name: 'Ada',
    });
    const listed = await notifications.call('listNotifications', { userId: ada.userId, page: 1, limit: 10 });
    expect(listed.data).toEqual([
      expect.objectContaining({ type: notificationV1.NotificationType.WELCOME, subject: 'Welcome, Ada' }),
    ]);
  });

  it('welcomes once however often UserRegistered comes, with the same or a new message id', async () => {
    const bob = newUser('Bob');
    const first = await register(bob);
    await smtp.waitFor(1, (m) => m.to.includes(bob.email));
    await bus.waitUntilConsumed(USERS_GROUP, await register(bob, first.id));
    await bus.waitUntilConsumed(USERS_GROUP, await register(bob));
    expect(smtp.to(bob.email)).toHaveLength(1);
    await expect(db.notification.count({ where: { userId: bob.userId } })).resolves.toBe(1);
  });

  it('emails an OrderConfirmed delivered twice once, and records it once', async () => {
    const carol = await registered('Carol');
    const orderId = newOrder();
    const first = await confirm(orderId, carol.userId);
    const [mail] = await smtp.waitFor(1, (m) => m.to.includes(carol.email) && m.subject.includes('confirmed'));
    expect(mail?.subject).toBe(`Your order ${orderId.slice(0, 8)} is confirmed`);
    expect(mail?.text).toContain('123.45 EUR');

    await bus.waitUntilConsumed(ORDERS_GROUP, await confirm(orderId, carol.userId, first.id));
    await bus.waitUntilConsumed(ORDERS_GROUP, await confirm(orderId, carol.userId));
    expect(smtp.to(carol.email).filter((m) => m.subject.includes('confirmed'))).toHaveLength(1);
    await expect(db.notification.findMany({ where: { orderId } })).resolves.toEqual([
      expect.objectContaining({ type: 'ORDER_CONFIRMED', userId: carol.userId, dedupKey: `ORDER_CONFIRMED:${orderId}` }),
    ]);
  });

  it('tells the customer why an order was cancelled', async () => {
    const dan = await registered('Dan');
    const orderId = newOrder();
    await bus.publish(
      EVENTS.OrderCancelled,
      {
        orderId,
        userId: dan.userId,
        totalCents: 500,
        currency: 'EUR',
        reason: orderV1.CancellationReason.PAYMENT_DECLINED,
        cancelledAt: new Date().toISOString(),
      },
      { key: orderId },
    );
    const [mail] = await smtp.waitFor(1, (m) => m.to.includes(dan.email) && m.subject.includes('cancelled'));
    expect(mail?.text).toContain('was cancelled because the payment was declined.');
    await expect(db.notification.findMany({ where: { orderId } })).resolves.toEqual([
      expect.objectContaining({ type: 'ORDER_CANCELLED', dedupKey: `ORDER_CANCELLED:${orderId}` }),
    ]);
  });

  it('holds an order email for a user it has not heard of yet, and sends it when they register', async () => {
    const erin = newUser('Erin');
    const orderId = newOrder();
    await bus.waitUntilConsumed(ORDERS_GROUP, await confirm(orderId, erin.userId));
    expect(smtp.to(erin.email)).toEqual([]);
    await expect(db.notification.findUnique({ where: { dedupKey: `ORDER_CONFIRMED:${orderId}` } })).resolves.toMatchObject({
      recipient: null,
    });
    expect(app.logs).toContain(`ORDER_CONFIRMED:${orderId}: no address known for user ${erin.userId} yet: held until they register`);
    // Not listed while it has not been sent.
    const before = await notifications.call('listNotifications', { userId: erin.userId, page: 1, limit: 10 });
    expect(before.data).toEqual([]);

    await register(erin);
    const mails = await smtp.waitFor(2, (m) => m.to.includes(erin.email));
    expect(mails.map((m) => m.subject).sort()).toEqual(['Welcome, Erin', `Your order ${orderId.slice(0, 8)} is confirmed`]);
    const after = await notifications.call('listNotifications', { userId: erin.userId, page: 1, limit: 10 });
    expect(after.data).toHaveLength(2);
    await expect(db.notification.findUnique({ where: { dedupKey: `ORDER_CONFIRMED:${orderId}` } })).resolves.toMatchObject({
      recipient: erin.email,
    });
  });

  it('dead-letters poison events on both topics, and handles the next event of the partition', async () => {
    const fay = newUser('Fay');
    const orderId = newOrder();
    const badUser = await bus.publishRaw(TOPICS.userEvents, {
      key: fay.userId,
      value: Buffer.from([0x0a, 0xff]),
      headers: { ce_id: randomUUID(), ce_type: EVENTS.UserRegistered.type },
    });
    await register(fay);
    const badOrder = await bus.publish(
      EVENTS.OrderConfirmed,
      { orderId, userId: 'not-a-uuid', totalCents: 1, currency: 'EUR', confirmedAt: '' },
      { key: orderId },
    );
    await confirm(orderId, fay.userId);

    await smtp.waitFor(2, (m) => m.to.includes(fay.email));
    const [userLetter] = await (deadLetters[TOPICS.userEvents] as TopicCollector).waitFor(1, (m) => m.key === fay.userId);
    expect(userLetter?.headers).toMatchObject({
      ce_id: badUser.id,
      dlt_original_topic: TOPICS.userEvents,
      dlt_original_offset: badUser.offset,
      dlt_consumer: USERS_GROUP,
      dlt_error: expect.stringMatching(/does not decode/),
    });
    const [orderLetter] = await (deadLetters[TOPICS.orderEvents] as TopicCollector).waitFor(1, (m) => m.key === orderId);
    expect(orderLetter?.headers).toMatchObject({
      ce_id: badOrder.id,
      dlt_original_topic: TOPICS.orderEvents,
      dlt_original_partition: String(badOrder.partition),
      dlt_consumer: ORDERS_GROUP,
      dlt_error: expect.stringMatching(/user_id must be a UUID/),
    });
  });

  it('retries while the SMTP server refuses, then sends once', async () => {
    const gus = newUser('Gus');
    smtp.refuseWith = 'mailbox busy, try later';
    await register(gus);
    await waitFor('a refused attempt', async () => app.logs.includes('handler failed: retrying'), 10_000);
    smtp.refuseWith = undefined;
    await smtp.waitFor(1, (m) => m.to.includes(gus.email));
    await bus.waitUntilConsumed(USERS_GROUP, await register(gus));
    expect(smtp.to(gus.email)).toHaveLength(1);
    await expect(db.notification.count({ where: { userId: gus.userId } })).resolves.toBe(1);
  });
});
