import { randomUUID } from 'node:crypto';
import { EVENTS, TOPICS, type userV1 } from '@ecommerce/contracts';
import { DEFAULT_RESILIENCE, ResilientGrpcClient } from '@ecommerce/grpc';
import type { ConsumedMessage } from '@ecommerce/kafka';
import { Client } from 'pg';
import {
  AppProcess,
  KafkaTestBus,
  type TopicCollector,
  appEnv,
  databaseUrl,
  freePort,
  waitForServing,
  serviceCredentials,
} from '@ecommerce/testing';

/**
 * Register → UserRegistered, delete → UserDeleted, on user.events.v1 through the outbox,
 * against the real broker.
 */
describe('user-service publishes UserRegistered and UserDeleted', () => {
  let app: AppProcess;
  let users: ResilientGrpcClient<userV1.UserServiceClient>;
  let bus: KafkaTestBus;
  let events: TopicCollector;
  let deletions: TopicCollector;
  const emails = new Set<string>();
  const created: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    app = AppProcess.start('user-service', appEnv('user-service', { grpcPorts: { 'user-service': port }, metricsPorts: { 'user-service': await freePort() } }));
    await waitForServing(`127.0.0.1:${port}`, 30_000, app);
    users = new ResilientGrpcClient('user', `127.0.0.1:${port}`, {
      credentials: serviceCredentials(),
      resilience: { ...DEFAULT_RESILIENCE, retries: 0, deadlineMs: 10_000 },
    });
    bus = await KafkaTestBus.connect('user-it');
    const ours = (message: ConsumedMessage) =>
      message.headers['ce_type'] === EVENTS.UserRegistered.type &&
      message.value !== null &&
      emails.has(EVENTS.UserRegistered.codec.decode(message.value).email);
    events = await bus.collect(TOPICS.userEvents, ours);
    deletions = await bus.collect(
      TOPICS.userEvents,
      (message) => message.headers['ce_type'] === EVENTS.UserDeleted.type && created.includes(message.key ?? ''),
    );
  });

  afterAll(async () => {
    await Promise.allSettled(created.map((id) => users.call('deleteUser', { id })));
    users?.close();
    await bus?.close();
    await app?.stop();
  });

  it('announces a registration once, keyed by the user id, and nothing for a refused one', async () => {
    const email = `ada-${randomUUID()}@example.com`;
    emails.add(email);
    const { user } = await users.call('register', { email, password: 'correct horse battery', name: 'Ada Lovelace' });
    if (!user) throw new Error('no user');
    created.push(user.id);
    // The same email again (in capitals: citext) is refused, and its transaction writes no event.
    await expect(
      users.call('register', { email: email.toUpperCase(), password: 'correct horse battery', name: 'Ada Again' }),
    ).rejects.toMatchObject({ details: expect.any(String) });

    const [message] = await events.waitFor(1);
    expect(message?.key).toBe(user.id);
    expect(message?.headers).toMatchObject({
      ce_type: EVENTS.UserRegistered.type,
      ce_source: 'user-service',
      ce_subject: user.id,
    });
    expect(EVENTS.UserRegistered.codec.decode(message?.value as Buffer)).toEqual({
      userId: user.id,
      email,
      name: 'Ada Lovelace',
      registeredAt: user.createdAt,
    });
    // The refused registration's transaction rolled back, its event with it: one row only.
    const db = new Client({ connectionString: databaseUrl('user') });
    await db.connect();
    try {
      const { rows } = await db.query(
        `SELECT message_key FROM outbox WHERE position(convert_to($1, 'UTF8') in payload) > 0`,
        [email.toUpperCase()],
      );
      const { rows: ours } = await db.query(
        `SELECT message_key FROM outbox WHERE position(convert_to($1, 'UTF8') in payload) > 0`,
        [email],
      );
      expect(rows).toEqual([]);
      expect(ours).toEqual([{ message_key: user.id }]);
    } finally {
      await db.end();
    }
  });

  it('announces a deletion once, keyed by the user id, in the transaction that deletes; nothing for a missing user', async () => {
    const email = `bob-${randomUUID()}@example.com`;
    emails.add(email);
    const { user } = await users.call('register', { email, password: 'correct horse battery', name: 'Bob' });
    if (!user) throw new Error('no user');
    created.push(user.id);
    await users.call('deleteUser', { id: user.id });
    await expect(users.call('deleteUser', { id: user.id })).rejects.toMatchObject({ details: expect.any(String) });

    const [message] = await deletions.waitFor(1, (m) => m.key === user.id);
    expect(message?.headers).toMatchObject({ ce_type: EVENTS.UserDeleted.type, ce_subject: user.id });
    const payload = EVENTS.UserDeleted.codec.decode(message?.value as Buffer);
    expect(payload.userId).toBe(user.id);
    expect(Date.parse(payload.deletedAt)).not.toBeNaN();
    // The second delete found nobody: its transaction wrote no second event.
    const db = new Client({ connectionString: databaseUrl('user') });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM outbox WHERE message_key = $1 AND event_type = $2`, [
        user.id,
        EVENTS.UserDeleted.type,
      ]);
      expect(rows).toEqual([{ n: 1 }]);
    } finally {
      await db.end();
    }
  });
});
