import request from 'supertest';
import { freePort, metricValue, RedisServer, scrape } from '@ecommerce/testing';
import { ExtraGateways } from '@ecommerce/testing/e2e';

/**
 * A gateway started as production starts it: metrics on their own port, no API docs, and a
 * Redis that requires a password (production refuses a REDIS_URL without one).
 */
const gateways = new ExtraGateways();
let redis: RedisServer;
let metricsPort: number;
let url: string;

beforeAll(async () => {
  redis = new RedisServer(await freePort(), 'a-password-of-this-deployment');
  await redis.start();
  metricsPort = await freePort();
  url = await gateways.start({
    NODE_ENV: 'production',
    METRICS_PORT: String(metricsPort),
    REDIS_URL: redis.url,
    RATE_LIMIT_PREFIX: 'e2e-production',
  });
});

afterAll(async () => {
  await gateways.stopAll();
  await redis.stop();
});

describe('the gateway with NODE_ENV=production', () => {
  it('serves GET /metrics on METRICS_PORT only, not on the public port', async () => {
    await request(url).get('/api/v1/products').expect(200);
    const metrics = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
    const products = { method: 'GET', route: '/api/v1/products', status_code: '200' };
    expect(metricValue(metrics, 'http_server_requests_total', products)).toBeGreaterThan(0);
    const res = await request(url).get('/metrics');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('serves no Swagger UI and no OpenAPI document', async () => {
    await request(url).get('/docs').expect(404);
    await request(url).get('/docs-json').expect(404);
  });

  it('counts its rate limits in the Redis that requires the password', async () => {
    await request(url).get('/api/v1/products').expect(200);
    const keys = await redis.client((client) => client.keys('e2e-production:*'));
    expect(keys.length).toBeGreaterThan(0);
    const refused = redis.client((client) => client.keys('*'), `redis://127.0.0.1:${redis.port}`);
    await expect(refused).rejects.toThrow();
  });
});
