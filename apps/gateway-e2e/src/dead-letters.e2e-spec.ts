import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EVENTS, TOPICS } from '@ecommerce/contracts';
import { KafkaTestBus, waitFor, WORKSPACE_ROOT } from '@ecommerce/testing';
import {
  admin,
  api,
  expectProblem,
  invalidFields,
  newCustomer,
  publishOrderConfirmed,
  notificationsFor,
  notificationsOf,
  stack,
  waitForNotifications,
  withNotificationsBroken,
} from '@ecommerce/testing/e2e';

/**
 * Dead letters operated through the gateway's admin routes, on the running platform: a message
 * notification-service cannot handle is dead-lettered and listed; once the cause is fixed, a
 * replay has its effect once, however often it is replayed; a discarded one stays discarded.
 */

const ROUTE = '/api/v1/admin/dead-letters';

interface DeadLetter {
  id: string;
  service: string;
  topic: string;
  messageId?: string;
  status: 'WAITING' | 'REPLAYED' | 'DISCARDED';
  error: string;
  replays: number;
  value?: Record<string, unknown>;
  headers?: Record<string, string>;
  replayedBy?: string;
  replayOutcome?: string;
  discardReason?: string;
  discardedBy?: string;
}

let bus: KafkaTestBus;
let adminId: string;

beforeAll(async () => {
  bus = await KafkaTestBus.connect(
    'dead-letters-e2e',
    stack.state.apps['notification-service'].env['KAFKA_BROKERS'],
  );
  adminId = (
    await api()
      .get('/api/v1/users/me')
      .set(await admin())
      .expect(200)
  ).body.id;
});

afterAll(async () => {
  await bus?.close();
});

/** `npm run dlq -- <args>` against this stack's gateway, as its admin: exit code and output. */
async function dlq(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const userService = stack.state.apps['user-service'].env;
  try {
    const { stdout, stderr } = await promisify(execFile)(
      join(WORKSPACE_ROOT, 'node_modules', '.bin', 'tsx'),
      [join(WORKSPACE_ROOT, 'tools', 'dlq', 'cli.ts'), ...args],
      {
        env: {
          ...process.env,
          GATEWAY_URL: stack.gatewayUrls[0],
          ADMIN_EMAIL: userService['ADMIN_EMAIL'],
          ADMIN_PASSWORD: userService['ADMIN_PASSWORD'],
        },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

async function deadLetterOf(
  messageId: string,
  query = 'service=notification',
): Promise<DeadLetter | undefined> {
  const res = await api()
    .get(`${ROUTE}?${query}&limit=100`)
    .set(await admin());
  expect(res.status).toBe(200);
  return (res.body.data as DeadLetter[]).find((letter) => letter.messageId === messageId);
}

async function show(id: string): Promise<DeadLetter> {
  return (
    await api()
      .get(`${ROUTE}/${id}`)
      .set(await admin())
      .expect(200)
  ).body as DeadLetter;
}

describe('dead letters through the admin routes', () => {
  it('a message that failed is listed; once fixed, a replay has its effect once, and a second replay changes nothing', async () => {
    const customer = await newCustomer('dead-letter');
    await waitForNotifications(
      customer,
      (all) => all.some((n) => n.type === 'WELCOME'),
      'the WELCOME',
    );

    const { sent, letter } = await withNotificationsBroken(async (repair) => {
      const published = await publishOrderConfirmed(bus, customer);
      let found: DeadLetter | undefined;
      await waitFor(
        'the OrderConfirmed to be dead-lettered and listed',
        async () => {
          found = await deadLetterOf(
            published.id,
            `service=notification&topic=${TOPICS.orderEvents}&status=WAITING`,
          );
          return found !== undefined;
        },
        60_000,
        250,
      );
      await repair();
      return { sent: published, letter: found as DeadLetter };
    });
    expect(letter).toMatchObject({
      service: 'notification',
      topic: TOPICS.orderEvents,
      status: 'WAITING',
      replays: 0,
    });
    expect(letter.id).toMatch(/^notification\./);
    expect(letter.error).toMatch(/erased_users/);
    expect(notificationsFor(await notificationsOf(customer), sent.orderId)).toEqual([]);
    const shown = await show(letter.id);
    expect(shown.value).toMatchObject({ orderId: sent.orderId, userId: customer.id });
    expect(shown.headers).toMatchObject({ ce_id: sent.id });
    expect(Object.keys(shown.headers ?? {}).filter((name) => name.startsWith('dlt_'))).toEqual([]);

    const replayed = await api()
      .post(`${ROUTE}/${letter.id}/replay`)
      .set(await admin())
      .expect(202);
    expect(replayed.body).toMatchObject({
      id: letter.id,
      status: 'REPLAYED',
      replays: 1,
      replayedBy: adminId,
    });
    await waitFor(
      'the replay to be handled',
      async () => (await show(letter.id)).replayOutcome === 'HANDLED',
      30_000,
      250,
    );
    const once = await waitForNotifications(
      customer,
      (all) => notificationsFor(all, sent.orderId).length > 0,
      'the ORDER_CONFIRMED',
    );
    expect(notificationsFor(once, sent.orderId).map((n) => n.type)).toEqual(['ORDER_CONFIRMED']);

    await api()
      .post(`${ROUTE}/${letter.id}/replay`)
      .set(await admin())
      .expect(202);
    await waitFor(
      'the second replay to be seen as a duplicate',
      async () => (await show(letter.id)).replayOutcome === 'DUPLICATE',
      30_000,
      250,
    );
    expect(
      notificationsFor(await notificationsOf(customer), sent.orderId).map((n) => n.type),
    ).toEqual(['ORDER_CONFIRMED']);
    expect(await show(letter.id)).toMatchObject({ status: 'REPLAYED', replays: 2 });
    expect(await deadLetterOf(sent.id, `service=notification&status=WAITING`)).toBeUndefined();
  });

  it('discard with a reason: gone from the waiting list, kept with its reason, and never replayed', async () => {
    const poison = await bus.publishRaw(TOPICS.orderEvents, {
      key: randomUUID(),
      value: Buffer.from([0x0a, 0x05, 0x61]),
      headers: {
        ce_id: randomUUID(),
        ce_type: EVENTS.OrderConfirmed.type,
        ce_source: 'dead-letters-e2e',
        ce_specversion: '1.0',
      },
    });
    let letter: DeadLetter | undefined;
    // Without ?service=, every service is asked and the lists merged.
    await waitFor(
      'the poison message to be listed',
      async () => (letter = await deadLetterOf(poison.id, 'status=WAITING')) !== undefined,
      30_000,
      250,
    );
    const id = (letter as DeadLetter).id;

    expect(
      invalidFields(
        await api()
          .post(`${ROUTE}/${id}/discard`)
          .set(await admin())
          .send({ reason: ' ' }),
      ),
    ).toEqual(['reason']);
    const discarded = await api()
      .post(`${ROUTE}/${id}/discard`)
      .set(await admin())
      .send({ reason: 'a test message, never valid' })
      .expect(200);

    expect(discarded.body).toMatchObject({
      status: 'DISCARDED',
      discardReason: 'a test message, never valid',
      discardedBy: adminId,
    });
    expect(await deadLetterOf(poison.id, 'service=notification&status=WAITING')).toBeUndefined();
    expect(await deadLetterOf(poison.id, 'service=notification&status=DISCARDED')).toMatchObject({
      id,
      discardReason: 'a test message, never valid',
    });
    expect(
      expectProblem(
        await api()
          .post(`${ROUTE}/${id}/replay`)
          .set(await admin()),
        409,
      ).detail,
    ).toMatch(/discarded/);
    expectProblem(
      await api()
        .post(`${ROUTE}/${id}/discard`)
        .set(await admin())
        .send({ reason: 'again' }),
      409,
    );
    // The same through `npm run dlq`: a table, and the problem's detail with a failing exit code.
    const listed = await dlq(
      'list',
      '--service',
      'notification',
      '--status',
      'DISCARDED',
      '--limit',
      '100',
    );
    expect(listed).toMatchObject({ code: 0, stdout: expect.stringContaining(id) });
    const refused = await dlq('replay', id);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/409 .*discarded/) });
    // Replaying everything that waits on the topic leaves the discarded one alone.
    const all = await api()
      .post(`${ROUTE}/replay`)
      .set(await admin())
      .send({ service: 'notification', topic: TOPICS.orderEvents })
      .expect(202);
    expect(all.body.replayed).not.toContain(id);
    expect(await show(id)).toMatchObject({ status: 'DISCARDED', replays: 0 });
  });

  it('is for admins only: 401 without a token, 403 with a customer’s', async () => {
    const customer = await newCustomer('not-an-operator');
    const someId = `payment.${randomUUID()}`;
    for (const [method, path] of [
      ['get', ROUTE],
      ['get', `${ROUTE}/${someId}`],
      ['post', `${ROUTE}/${someId}/replay`],
      ['post', `${ROUTE}/replay`],
      ['post', `${ROUTE}/${someId}/discard`],
    ] as const) {
      expectProblem(await api()[method](path).send({ reason: 'x' }), 401);
      expectProblem(await api()[method](path).set(customer.auth).send({ reason: 'x' }), 403);
    }
  });

  it('answers 400 for an id that names no service, 404 for an unknown one', async () => {
    expect(
      invalidFields(
        await api()
          .get(`${ROUTE}/user.${randomUUID()}`)
          .set(await admin()),
      ),
    ).toEqual(['id']);
    expect(
      invalidFields(
        await api()
          .get(`${ROUTE}?status=LOST`)
          .set(await admin()),
      ),
    ).toEqual(['status']);
    expectProblem(
      await api()
        .get(`${ROUTE}/order.${randomUUID()}`)
        .set(await admin()),
      404,
    );
  });
});
