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
  serviceCredentials,
} from '@ecommerce/testing';
import { PrismaClient } from '../generated/prisma/client';

/**
 * Events in on user.events.v1 and order.events.v1 (as user-service and order-service publish
 * them), emails out to a real SMTP server run by the test, against the built service, a real
 * Postgres and the real broker. Each test uses user and order ids of its own.
 */

const USERS_GROUP = 'notification-service-users';
const ORDERS_GROUP = 'notification-service-orders';
/** Quick retries and polls, so a test sees several attempts in a few seconds. */
const FAST_DELIVERY = {
  MAIL_RETRY_INITIAL_MS: '200',
  MAIL_RETRY_MAX_MS: '800',
  MAIL_POLL_INTERVAL_MS: '200',
};

describe('notification-service: emails for user and order events', () => {
  const db = new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl('notification') }),
  });
  const keys = new Set<string>();
  const userIds: string[] = [];
  let smtp: SmtpSink;
  let app: AppProcess;
  let bus: KafkaTestBus;
  let notifications: ResilientGrpcClient<notificationV1.NotificationServiceClient>;
  const deadLetters: Record<string, TopicCollector> = {};

  async function startInstance(): Promise<{ app: AppProcess; port: number; metricsPort: number }> {
    const port = await freePort();
    const metricsPort = await freePort();
    const instance = AppProcess.start('notification-service', {
      ...appEnv('notification-service', {
        grpcPorts: { 'notification-service': port },
        metricsPorts: { 'notification-service': metricsPort },
      }),
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Shop Test <shop@example.com>',
      ...FAST_DELIVERY,
    });
    await waitForServing(`127.0.0.1:${port}`, 60_000, instance);
    return { app: instance, port, metricsPort };
  }
  let metricsPort: number;

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    const first = await startInstance();
    app = first.app;
    metricsPort = first.metricsPort;
    const { port } = first;
    notifications = new ResilientGrpcClient('notification', `127.0.0.1:${port}`, {
      credentials: serviceCredentials(),
      resilience: {
        ...DEFAULT_RESILIENCE,
        retries: 0,
      },
    });
    bus = await KafkaTestBus.connect('notification-it');
    const ours = (message: ConsumedMessage) => message.key !== null && keys.has(message.key);
    for (const topic of [TOPICS.userEvents, TOPICS.orderEvents]) {
      deadLetters[topic] = await bus.collect(deadLetterTopic(topic), ours);
    }
  });

  afterAll(async () => {
    await db.notification.deleteMany({ where: { userId: { in: userIds } } });
    await db.recipient.deleteMany({ where: { userId: { in: userIds } } });
    await db.erasedUser.deleteMany({ where: { userId: { in: userIds } } });
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

  function remove(userId: string) {
    return bus.publish(
      EVENTS.UserDeleted,
      { userId, deletedAt: new Date().toISOString() },
      { key: userId },
    );
  }

  const statusOf = (dedupKey: string) => db.notification.findUnique({ where: { dedupKey } });

  /** Waits until the notification's row satisfies `done`; returns it. */
  async function waitForRow(
    dedupKey: string,
    done: (row: NonNullable<Awaited<ReturnType<typeof statusOf>>>) => boolean,
  ) {
    let row: Awaited<ReturnType<typeof statusOf>> = null;
    await waitFor(
      `${dedupKey} to be as expected`,
      async () => {
        row = await statusOf(dedupKey);
        return row !== null && done(row);
      },
      20_000,
    );
    return row as unknown as NonNullable<Awaited<ReturnType<typeof statusOf>>>;
  }

  /**
   * Once this user's welcome has arrived, the sender has made at least one more pass since
   * whatever the test did before: a barrier instead of a sleep.
   */
  async function barrier(): Promise<void> {
    await registered('Barrier');
  }

  function confirm(orderId: string, userId: string, id?: string) {
    return bus.publish(
      EVENTS.OrderConfirmed,
      {
        orderId,
        userId,
        totalCents: 12_345,
        currency: 'EUR',
        confirmedAt: new Date().toISOString(),
      },
      { key: orderId, id },
    );
  }

  async function registered(name = 'Ada') {
    const user = newUser(name);
    await register(user);
    await smtp.waitFor(1, (mail) => mail.to.includes(user.email));
    return user;
  }

  it('welcomes a registered user: one email received, recorded SENT with its Message-ID, and listed to them', async () => {
    const ada = newUser('Ada');
    await register(ada);
    const [mail] = await smtp.waitFor(1, (m) => m.to.includes(ada.email));
    expect(mail?.subject).toBe('Welcome, Ada');
    expect(mail?.headers['from']).toBe('Shop Test <shop@example.com>');
    expect(mail?.text).toContain(`your account ${ada.email} is ready`);

    const row = await waitForRow(`WELCOME:${ada.userId}`, (r) => r.status === 'SENT');
    expect(row).toMatchObject({
      type: 'WELCOME',
      channel: 'email',
      recipient: ada.email,
      attempts: 1,
      lastError: null,
    });
    expect(row.messageId).toBe(mail?.headers['message-id']);
    expect(row.sentAt).toBeInstanceOf(Date);
    await expect(db.recipient.findUnique({ where: { userId: ada.userId } })).resolves.toMatchObject(
      {
        email: ada.email,
        name: 'Ada',
      },
    );
    const listed = await notifications.call('listNotifications', {
      userId: ada.userId,
      page: 1,
      limit: 10,
    });
    expect(listed.data).toEqual([
      expect.objectContaining({
        type: notificationV1.NotificationType.WELCOME,
        subject: 'Welcome, Ada',
        status: notificationV1.NotificationStatus.SENT,
        attempts: 1,
        sentAt: row.sentAt?.toISOString(),
      }),
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
    const [mail] = await smtp.waitFor(
      1,
      (m) => m.to.includes(carol.email) && m.subject.includes('confirmed'),
    );
    expect(mail?.subject).toBe(`Your order ${orderId.slice(0, 8)} is confirmed`);
    expect(mail?.text).toContain('123.45 EUR');

    await bus.waitUntilConsumed(ORDERS_GROUP, await confirm(orderId, carol.userId, first.id));
    await bus.waitUntilConsumed(ORDERS_GROUP, await confirm(orderId, carol.userId));
    expect(smtp.to(carol.email).filter((m) => m.subject.includes('confirmed'))).toHaveLength(1);
    await expect(db.notification.findMany({ where: { orderId } })).resolves.toEqual([
      expect.objectContaining({
        type: 'ORDER_CONFIRMED',
        userId: carol.userId,
        dedupKey: `ORDER_CONFIRMED:${orderId}`,
      }),
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
    const [mail] = await smtp.waitFor(
      1,
      (m) => m.to.includes(dan.email) && m.subject.includes('cancelled'),
    );
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
    await expect(
      db.notification.findUnique({ where: { dedupKey: `ORDER_CONFIRMED:${orderId}` } }),
    ).resolves.toMatchObject({
      recipient: null,
    });
    expect(app.logs).toContain(
      `ORDER_CONFIRMED:${orderId}: no address known for user ${erin.userId} yet: held until they register`,
    );
    // Listed as what it is: recorded, not sent, never tried.
    const before = await notifications.call('listNotifications', {
      userId: erin.userId,
      page: 1,
      limit: 10,
    });
    expect(before.data).toEqual([
      expect.objectContaining({
        type: notificationV1.NotificationType.ORDER_CONFIRMED,
        status: notificationV1.NotificationStatus.PENDING,
        attempts: 0,
      }),
    ]);

    await register(erin);
    const mails = await smtp.waitFor(2, (m) => m.to.includes(erin.email));
    expect(mails.map((m) => m.subject).sort()).toEqual([
      'Welcome, Erin',
      `Your order ${orderId.slice(0, 8)} is confirmed`,
    ]);
    await waitForRow(`ORDER_CONFIRMED:${orderId}`, (r) => r.status === 'SENT');
    const after = await notifications.call('listNotifications', {
      userId: erin.userId,
      page: 1,
      limit: 10,
    });
    expect(after.data.map((n) => n.status)).toEqual([
      notificationV1.NotificationStatus.SENT,
      notificationV1.NotificationStatus.SENT,
    ]);
    await expect(
      db.notification.findUnique({ where: { dedupKey: `ORDER_CONFIRMED:${orderId}` } }),
    ).resolves.toMatchObject({
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
    const [userLetter] = await (deadLetters[TOPICS.userEvents] as TopicCollector).waitFor(
      1,
      (m) => m.key === fay.userId,
    );
    expect(userLetter?.headers).toMatchObject({
      ce_id: badUser.id,
      dlt_original_topic: TOPICS.userEvents,
      dlt_original_offset: badUser.offset,
      dlt_consumer: USERS_GROUP,
      dlt_error: expect.stringMatching(/does not decode/),
    });
    const [orderLetter] = await (deadLetters[TOPICS.orderEvents] as TopicCollector).waitFor(
      1,
      (m) => m.key === orderId,
    );
    expect(orderLetter?.headers).toMatchObject({
      ce_id: badOrder.id,
      dlt_original_topic: TOPICS.orderEvents,
      dlt_original_partition: String(badOrder.partition),
      dlt_consumer: ORDERS_GROUP,
      dlt_error: expect.stringMatching(/user_id must be a UUID/),
    });
  });

  it('records while the mail server is down, and sends each email once when it is back: nothing dead-lettered', async () => {
    await smtp.down();
    const users = [newUser('Hal'), newUser('Ida'), newUser('Jon')];
    const orders = users.map(() => newOrder());
    try {
      for (const [i, user] of users.entries()) {
        await register(user);
        await bus.waitUntilConsumed(ORDERS_GROUP, await confirm(orders[i] as string, user.userId));
      }
      // Recorded at once, and tried (and retried) in vain while nothing listens.
      for (const user of users)
        await waitForRow(
          `WELCOME:${user.userId}`,
          (r) => r.status === 'PENDING' && r.attempts >= 2,
        );
      for (const orderId of orders)
        await waitForRow(
          `ORDER_CONFIRMED:${orderId}`,
          (r) => r.status === 'PENDING' && r.attempts >= 1,
        );
    } finally {
      await smtp.up();
    }
    for (const user of users) await smtp.waitFor(2, (m) => m.to.includes(user.email));
    for (const orderId of orders)
      await waitForRow(`ORDER_CONFIRMED:${orderId}`, (r) => r.status === 'SENT');
    await barrier();
    for (const user of users)
      expect(
        smtp
          .to(user.email)
          .map((m) => m.subject)
          .sort(),
      ).toEqual([expect.stringMatching(/^Welcome/), expect.stringMatching(/^Your order/)]);
    const lettered = [...Object.values(deadLetters)].flatMap((collector) => collector.messages);
    expect(
      lettered.filter((m) => users.some((u) => u.userId === m.key) || orders.includes(m.key ?? '')),
    ).toEqual([]);
  });

  it('retries while the mail server answers 451 (try later), then sends once: PENDING with its attempts, then SENT', async () => {
    const gus = newUser('Gus');
    smtp.refuse(451, `mailbox of ${gus.email} busy, try later`);
    try {
      await register(gus);
      const pending = await waitForRow(`WELCOME:${gus.userId}`, (r) => r.attempts >= 2);
      expect(pending.status).toBe('PENDING');
      expect(pending.lastError).toMatch(/451/);
      // The reason is kept without the address the server echoed.
      expect(pending.lastError).not.toContain(gus.email);
    } finally {
      smtp.accept();
    }
    await smtp.waitFor(1, (m) => m.to.includes(gus.email));
    const sent = await waitForRow(`WELCOME:${gus.userId}`, (r) => r.status === 'SENT');
    expect(sent.attempts).toBe(smtp.refused.filter((r) => r.to.includes(gus.email)).length + 1);
    await bus.waitUntilConsumed(USERS_GROUP, await register(gus));
    await barrier();
    expect(smtp.to(gus.email)).toHaveLength(1);
    await expect(db.notification.count({ where: { userId: gus.userId } })).resolves.toBe(1);
  });

  it('gives up at once on a 550 (mailbox unavailable): FAILED, tried once, never again', async () => {
    const kim = newUser('Kim');
    smtp.refuse(550, 'no such mailbox here');
    try {
      await register(kim);
      const failed = await waitForRow(`WELCOME:${kim.userId}`, (r) => r.status === 'FAILED');
      expect(failed).toMatchObject({ attempts: 1, sentAt: null });
      expect(failed.lastError).toMatch(/refused for good.*550/);
    } finally {
      smtp.accept();
    }
    await barrier();
    await barrier();
    expect(smtp.refused.filter((r) => r.to.includes(kim.email))).toHaveLength(1);
    expect(smtp.to(kim.email)).toEqual([]);
    const listed = await notifications.call('listNotifications', {
      userId: kim.userId,
      page: 1,
      limit: 10,
    });
    expect(listed.data).toEqual([
      expect.objectContaining({ status: notificationV1.NotificationStatus.FAILED, attempts: 1 }),
    ]);
    expect(listed.data[0]).not.toHaveProperty('sentAt');
  });

  it('UserDeleted erases the address, the name and the mail still pending, and keeps them erased', async () => {
    const lea = newUser('Lea');
    smtp.refuse(451);
    try {
      await register(lea);
      await waitForRow(`WELCOME:${lea.userId}`, (r) => r.attempts >= 1);
      await bus.waitUntilConsumed(USERS_GROUP, await remove(lea.userId));
    } finally {
      smtp.accept();
    }
    // An order event that arrives afterwards (the other topic) records nothing either.
    const orderId = newOrder();
    await bus.waitUntilConsumed(ORDERS_GROUP, await confirm(orderId, lea.userId));
    await barrier();

    expect(smtp.to(lea.email)).toEqual([]);
    await expect(db.recipient.findUnique({ where: { userId: lea.userId } })).resolves.toBeNull();
    await expect(db.notification.count({ where: { userId: lea.userId } })).resolves.toBe(0);
    const mentions = await db.$queryRaw<Array<{ n: number }>>`
      SELECT ((SELECT count(*) FROM notifications WHERE recipient = ${lea.email} OR body LIKE ${`%${lea.email}%`} OR subject LIKE ${'%Lea%'})
            + (SELECT count(*) FROM recipients WHERE email = ${lea.email}))::int AS n`;
    expect(mentions).toEqual([{ n: 0 }]);
    await expect(
      db.erasedUser.findUnique({ where: { userId: lea.userId } }),
    ).resolves.not.toBeNull();
    expect(app.logs).toContain(
      `user ${lea.userId} deleted: address erased, 1 notification(s) erased`,
    );
  });

  it('exposes the backlog and the attempts as metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(text).toMatch(/^notifications\{status="FAILED",service="notification-service"\} [1-9]/m);
    expect(text).toMatch(
      /^notification_delivery_attempts_total\{outcome="retry",service="notification-service"\} [1-9]/m,
    );
    expect(text).toMatch(
      /^notification_delivery_attempts_total\{outcome="failed",service="notification-service"\} [1-9]/m,
    );
    expect(text).toMatch(
      /^notification_oldest_pending_age_seconds\{service="notification-service"\} \d/m,
    );
  });

  it('two instances send every email once between them', async () => {
    const second = await startInstance();
    try {
      await smtp.down();
      const users = Array.from({ length: 45 }, (_, i) => newUser(`Twin${i}`));
      try {
        const published = await Promise.all(users.map((user) => register(user)));
        await bus.waitUntilConsumed(
          USERS_GROUP,
          published[published.length - 1] as Awaited<ReturnType<typeof register>>,
        );
        await waitFor(
          'every welcome recorded',
          async () =>
            (await db.notification.count({
              where: { userId: { in: users.map((u) => u.userId) } },
            })) === users.length,
          20_000,
        );
      } finally {
        // Both instances poll every 200 ms: the moment mail works again, both race for the same due rows.
        await smtp.up();
      }
      for (const user of users) await smtp.waitFor(1, (m) => m.to.includes(user.email));
      await barrier();
      const counts = users.map((user) => smtp.to(user.email).length);
      expect(counts).toEqual(users.map(() => 1));
      // Each instance logs what it sent: no key in both.
      const sentBy = (logs: string) =>
        new Set(
          users.filter((u) => logs.includes(`WELCOME:${u.userId} sent`)).map((u) => u.userId),
        );
      const [a, b] = [sentBy(app.logs), sentBy(second.app.logs)];
      expect([...a].filter((id) => b.has(id))).toEqual([]);
      expect(a.size + b.size).toBe(users.length);
    } finally {
      await second.app.stop();
    }
  });

  it('writes no email address to its log', () => {
    const addresses = app.logs.match(/[^\s"<>]+@[^\s"<>]+\.[a-z]{2,}/gi) ?? [];
    expect(addresses.filter((a) => a.includes('@example.com'))).toEqual([]);
  });
});
