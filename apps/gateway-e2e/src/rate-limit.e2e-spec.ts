import { randomUUID } from 'node:crypto';
import request, { type Response } from 'supertest';
import { AppProcess, freePort, waitFor } from '@ecommerce/testing';
import { expectProblem, newCustomer, stack, type TestUser } from './support/api';

/**
 * Gateways of this test's own, on free ports, with low limits and a key prefix nobody else
 * uses, beside the suite's gateway (whose limits are raised) and against the same Redis
 * and backends.
 */
const gateways: AppProcess[] = [];

async function startGateway(overrides: Record<string, string>): Promise<string> {
  const port = await freePort();
  const app = AppProcess.start('gateway', { ...stack.state.apps.gateway.env, GATEWAY_PORT: String(port), ...overrides });
  gateways.push(app);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`gateway on ${port}`, async () => {
    if (!app.running) throw new Error(`gateway exited:\n${app.logs}`);
    return (await fetch(`${url}/health/live`)).ok;
  });
  return url;
}

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
  await Promise.all(gateways.map((app) => app.stop()));
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

  it('fails open when Redis is unreachable: requests pass, a warning is logged', async () => {
    const deadRedis = await freePort();
    const url = await startGateway({ ...limits(), REDIS_URL: `redis://127.0.0.1:${deadRedis}` });
    for (let i = 0; i < 8; i++) {
      const res = await request(url).get('/api/v1/products').expect(200);
      expect(res.headers['ratelimit-limit']).toBeUndefined();
    }
    expect(gateways.at(-1)?.logs).toMatch(/rate limiting skipped|Redis/);
  });
});
