import { randomUUID } from 'node:crypto';
import request, { type Response } from 'supertest';
import { freePort, metricValue, RedisServer, scrape, waitFor } from '@ecommerce/testing';
import {
  expectProblem,
  ExtraGateways,
  newCustomer,
  type TestUser,
  uniqueEmail,
} from '@ecommerce/testing/e2e';

/**
 * Gateways of this test's own, with low limits and a key prefix nobody else uses, beside the
 * suite's gateway (whose limits are raised) and against the same Redis (unless a test brings a
 * redis-server of its own) and backends.
 */
const gateways = new ExtraGateways();
const startGateway = (overrides: Record<string, string>) => gateways.start(overrides);

const limits = (prefix = `e2e-rl-${randomUUID()}`) => ({
  RATE_LIMIT_PREFIX: prefix,
  RATE_LIMIT_BURST: '5',
  RATE_LIMIT_PER_SECOND: '1',
  AUTH_RATE_LIMIT_PER_MINUTE: '3',
});

function expectTooMany(res: Response) {
  expectProblem(res, 429);
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(res.headers['ratelimit-remaining']).toBe('0');
}

afterAll(async () => {
  await gateways.stopAll();
});

describe('rate limits (token buckets in Redis)', () => {
  let ada: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    [ada, bob] = await Promise.all([newCustomer('limited-ada'), newCustomer('limited-bob')]);
  });

  it('a burst of 5, then 429 with Retry-After and RateLimit-* headers, then allowed again', async () => {
    const url = await startGateway(limits());
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await request(url).get('/api/v1/products').expect(200);
      expect(res.headers['ratelimit-limit']).toBe('5');
      expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(1);
      remaining.push(res.headers['ratelimit-remaining'] as string);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const refused = await request(url).get('/api/v1/products');
    expectTooMany(refused);
    await new Promise((resolve) => setTimeout(resolve, Number(refused.headers['retry-after']) * 1_000));
    await request(url).get('/api/v1/products').expect(200);
  });

  it('keys by the authenticated user: one user at the limit does not block another from the same IP', async () => {
    const url = await startGateway(limits());
    for (let i = 0; i < 5; i++) await request(url).get('/api/v1/users/me').set(ada.auth).expect(200);
    expectTooMany(await request(url).get('/api/v1/users/me').set(ada.auth));
    await request(url).get('/api/v1/users/me').set(bob.auth).expect(200);
    await request(url).get('/api/v1/products').expect(200); // anonymous: the IP's own bucket
  });

  it('login: 3 attempts a minute, then 429 even with the right password', async () => {
    const url = await startGateway(limits());
    const attempt = () => request(url).post('/api/v1/auth/login').send({ email: ada.email, password: ada.password });
    for (let i = 0; i < 3; i++) {
      const res = await attempt().expect(200);
      expect(res.headers['ratelimit-limit']).toBe('3');
    }
    const refused = await attempt();
    expectTooMany(refused);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(5); // a minute's bucket refills slowly
    // Registration shares the per-IP credentials bucket.
    expectTooMany(
      await request(url).post('/api/v1/auth/register').send({ email: `${randomUUID()}@example.com`, password: 'password123', name: 'X' }),
    );
  });

  it('is shared by every gateway instance using the same Redis', async () => {
    const shared = limits();
    const [one, two] = await Promise.all([startGateway(shared), startGateway(shared)]);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await request(i % 2 ? one : two).get('/api/v1/products')).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
  });
});

describe('rate limits while Redis is unreachable (per-instance buckets in memory)', () => {
  let own: RedisServer;

  beforeAll(async () => {
    own = new RedisServer(await freePort());
    await own.start();
  });

  afterAll(async () => {
    await own.stop();
  });

  it('from the start: the same limits, decided in memory, and a warning logged', async () => {
    const deadRedis = await freePort();
    const url = await startGateway({ ...limits(), REDIS_URL: `redis://127.0.0.1:${deadRedis}` });
    for (let i = 0; i < 5; i++) {
      const res = await request(url).get('/api/v1/products').expect(200);
      expect(res.headers['ratelimit-limit']).toBe('5');
    }
    expectTooMany(await request(url).get('/api/v1/products'));
    expect(gateways.last?.logs).toContain('rate limits enforced per instance in memory until it returns');
    expect(metricValue(await scrape(`${url}/metrics`), 'rate_limit_fallback_active')).toBe(1);
  });

  it('Redis dies: the 21st login attempt a minute is still refused; Redis returns: it decides again', async () => {
    const prefix = `e2e-rl-${randomUUID()}`;
    const url = await startGateway({ REDIS_URL: own.url, RATE_LIMIT_PREFIX: prefix, AUTH_RATE_LIMIT_PER_MINUTE: '20' });
    const gateway = gateways.last;
    const metrics = async () => scrape(`${url}/metrics`);
    expect(metricValue(await metrics(), 'rate_limit_fallback_active')).toBe(0);

    await own.stop();
    const email = uniqueEmail('guesser');
    const attempt = () => request(url).post('/api/v1/auth/login').send({ email, password: 'not-the-password' });
    // The first twenty at once: the bucket gets a token back every 3 s, about as long as twenty
    // logins one after another (an argon2 verification each) may take on a slow machine.
    const first = await Promise.all(Array.from({ length: 20 }, attempt));
    expect(first.map((res) => res.status).filter((status) => status === 429)).toEqual([]);
    const refused = await attempt();
    expectTooMany(refused);
    expect(refused.headers['ratelimit-limit']).toBe('20');

    const during = await metrics();
    expect(metricValue(during, 'rate_limit_fallback_active')).toBe(1);
    expect(metricValue(during, 'rate_limit_fallback_decisions_total', { allowed: 'true' })).toBe(20);
    expect(metricValue(during, 'rate_limit_fallback_decisions_total', { allowed: 'false' })).toBe(1);
    expect(gateway?.logs).toContain('Redis unreachable: rate limits enforced per instance in memory until it returns');

    await own.start();
    // ioredis reconnects by itself (at most 2 s apart), and every request asks Redis first.
    await waitFor('the gateway to decide by Redis again', async () => {
      await request(url).get('/api/v1/products');
      return metricValue(await metrics(), 'rate_limit_fallback_active') === 0;
    });
    const keys = await own.client((client) => client.keys(`${prefix}:*`));
    expect(keys).toContainEqual(expect.stringMatching(new RegExp(`^${prefix}:ip:`)));
    expect(gateway?.logs).toContain('Redis reachable again: shared rate limits');
    // Once each, not once per request.
    expect(gateway?.logs.split('Redis unreachable: rate limits enforced').length).toBe(2);
  });
});
