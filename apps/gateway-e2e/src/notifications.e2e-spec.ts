import { Client } from 'pg';
import { ALL_DEAD_LETTER_TOPICS } from '@ecommerce/contracts';
import { KafkaTestBus, type TopicCollector, waitFor } from '@ecommerce/testing';
import {
  about,
  admin,
  api,
  expectMail,
  expectProblem,
  invalidFields,
  mailServer,
  mailTo,
  newCustomer,
  newProduct,
  type Notification,
  notificationsFor,
  notificationsOf,
  placeOrder,
  stack,
  type TestUser,
  waitForNotifications,
  waitForTerminal,
} from '@ecommerce/testing/e2e';

/** How long the mail server stays down while the orders go through. */
const OUTAGE_MS = 30_000;

let bus: KafkaTestBus;
let deadLetters: TopicCollector[];
/** User and order ids of this file: the keys their events travel under. */
const keys = new Set<string>();

beforeAll(async () => {
  bus = await KafkaTestBus.connect('e2e-notifications');
  deadLetters = await Promise.all(ALL_DEAD_LETTER_TOPICS.map((topic) => bus.collect(topic, (m) => keys.has(m.key ?? ''))));
});

afterAll(async () => {
  await mailServer('up');
  await bus?.close();
});

async function customer(label: string): Promise<TestUser> {
  const user = await newCustomer(label);
  keys.add(user.id);
  return user;
}

const sentOnly = (all: Notification[]) => all.length > 0 && all.every((n) => n.status === 'SENT');

describe('notifications', () => {
  it('GET /notifications → a page of the caller’s own notifications, each with its delivery status', async () => {
    const user = await customer('notified');
    await waitForNotifications(user, (n) => n.length === 1, 'the WELCOME recorded');
    const res = await api().get('/api/v1/notifications?page=1&limit=5').set(user.auth).expect(200);
    expect(res.body.pagination).toMatchObject({ page: 1, limit: 5 });
    expect(res.body.data).toEqual([
      expect.objectContaining({
        id: expect.any(String),
        type: 'WELCOME',
        channel: 'email',
        subject: expect.any(String),
        status: expect.stringMatching(/^(PENDING|SENT)$/),
        attempts: expect.any(Number),
        createdAt: expect.any(String),
      }),
    ]);
  });

  it('401 without a token, 400 for bad paging', async () => {
    expectProblem(await api().get('/api/v1/notifications'), 401);
    const user = await customer('notified');
    expect(invalidFields(await api().get('/api/v1/notifications?limit=1000').set(user.auth))).toEqual(['limit']);
  });

  it('register, order → a WELCOME and an ORDER_CONFIRMED, both SENT once, and both emails in the inbox', async () => {
    const ada = await customer('ada');
    const product = await newProduct(10);
    const order = await placeOrder(ada, [{ productId: product.id, quantity: 1 }]);
    keys.add(order.id);
    expect((await waitForTerminal(ada, order.id)).status).toBe('CONFIRMED');

    const all = await waitForNotifications(ada, (n) => n.length === 2 && sentOnly(n), 'WELCOME and ORDER_CONFIRMED, SENT');
    expect(all.map((n) => [n.type, n.status, n.attempts])).toEqual([
      ['ORDER_CONFIRMED', 'SENT', 1],
      ['WELCOME', 'SENT', 1],
    ]);
    for (const notification of all) expect(Date.parse(notification.sentAt ?? '')).toBeGreaterThanOrEqual(Date.parse(notification.createdAt));
    const mail = await expectMail(ada.email, (m) => m.length >= 2);
    expect(mail.map((m) => m.subject).sort()).toEqual([`Welcome, ${ada.name}`, `Your order ${order.id.slice(0, 8)} is confirmed`]);
  });

  it(`a mail server down for ${OUTAGE_MS / 1000} s while 20 orders complete: every notification waits, then is SENT exactly once, nothing dead-lettered`, async () => {
    const product = await newProduct(100);
    await mailServer('down');
    const downSince = Date.now();
    const customers: TestUser[] = [];
    const orders = new Map<string, TestUser>();
    try {
      for (let i = 0; i < 4; i++) customers.push(await customer(`outage-${i}`));
      for (const user of customers) {
        for (let i = 0; i < 5; i++) {
          const order = await placeOrder(user, [{ productId: product.id, quantity: 1 }]);
          keys.add(order.id);
          orders.set(order.id, user);
        }
      }
      // The sagas end as usual: the mail server is no part of them.
      for (const [orderId, user] of orders) expect((await waitForTerminal(user, orderId)).status).toBe('CONFIRMED');
      // Every notification is recorded and tried, none sent, while the server stays down.
      for (const user of customers) {
        const all = await waitForNotifications(
          user,
          (n) => n.length === 6 && n.every((x) => x.attempts >= 1),
          `${user.email}: six notifications, each tried`,
        );
        expect(all.map((n) => n.status)).toEqual(Array(6).fill('PENDING'));
      }
      expect(await mailTo(customers[0]?.email ?? '')).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, downSince + OUTAGE_MS - Date.now())));
    } finally {
      await mailServer('up');
    }

    for (const user of customers) {
      const all = await waitForNotifications(user, (n) => n.length === 6 && sentOnly(n), `${user.email}: six notifications SENT`);
      expect(all.filter((n) => n.type === 'ORDER_CONFIRMED')).toHaveLength(5);
      expect(all.every((n) => n.attempts >= 2)).toBe(true);
      const mail = await expectMail(user.email, (m) => m.length >= 6);
      for (const notification of all.filter((n) => n.orderId)) {
        expect(about(mail, notification.orderId as string)).toHaveLength(1);
        expect(notificationsFor(all, notification.orderId as string)).toHaveLength(1);
      }
      expect(mail.filter((m) => m.subject.startsWith('Welcome'))).toHaveLength(1);
    }
    // Sent once each: by now a second send of any of them would have had its retry time.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    for (const user of customers) expect(await mailTo(user.email)).toHaveLength(6);
    expect(deadLetters.flatMap((collector) => collector.messages.map((m) => `${m.topic} ${m.key}`))).toEqual([]);
  });

  it('DELETE /users/:id → notification-service no longer holds the address, the name or the notifications', async () => {
    const gone = await customer('erased');
    await waitForNotifications(gone, sentOnly, 'the WELCOME, SENT');
    await api().delete(`/api/v1/users/${gone.id}`).set(await admin()).expect(204);

    const db = new Client({ connectionString: stack.state.apps['notification-service'].env['DATABASE_URL'] });
    await db.connect();
    try {
      const mentions = async () =>
        (
          await db.query<{ n: number }>(
            `SELECT ((SELECT count(*) FROM recipients WHERE user_id = $1 OR email = $2 OR name = $3)
                   + (SELECT count(*) FROM notifications WHERE user_id = $1 OR recipient = $2 OR position($2 in body) > 0))::int AS n`,
            [gone.id, gone.email, gone.name],
          )
        ).rows[0]?.n;
      await waitFor('notification-service to erase the user', async () => (await mentions()) === 0, 20_000, 200);
      expect(await mentions()).toBe(0);
    } finally {
      await db.end();
    }
    // And the user's token no longer reads anything of theirs.
    expect(await notificationsOf(gone)).toEqual([]);
  });
});
