import Fastify from 'fastify';
import { httpMetricsHooks } from './http-metrics';
import { createMetricsRegistry } from './registry';

describe('httpMetricsHooks', () => {
  const registry = createMetricsRegistry('gateway');
  const app = Fastify();
  app.addHook('onResponse', httpMetricsHooks(registry).onResponse);
  app.get('/api/v1/orders/:id', async () => ({}));
  app.post('/api/v1/things', async (_request, reply) => reply.code(422).send());

  beforeAll(() => app.ready());
  afterAll(() => app.close());

  async function value(name: string, labels: Record<string, string>): Promise<number> {
    const metric = registry.getSingleMetric(name);
    if (!metric) return 0;
    const { values } = await metric.get();
    return (values as Array<(typeof values)[number] & { metricName?: string }>)
      .filter((v) => v.metricName === undefined || v.metricName === name || v.metricName === `${name}_count`)
      .filter((v) => !('le' in v.labels))
      .filter((v) => Object.entries(labels).every(([key, wanted]) => v.labels[key] === wanted))
      .reduce((sum, v) => sum + v.value, 0);
  }

  it('counts and times requests by route template, not by raw URL', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/orders/123' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/orders/456' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/v1/things' })).statusCode).toBe(422);
    const labels = { method: 'GET', route: '/api/v1/orders/:id', status_code: '200' };
    expect(await value('http_server_requests_total', labels)).toBe(2);
    expect(await value('http_server_request_duration_seconds', labels)).toBe(2);
    expect(await value('http_server_requests_total', { method: 'POST', route: '/api/v1/things', status_code: '422' })).toBe(1);
    expect(await registry.metrics()).not.toContain('/api/v1/orders/123');
  });

  it('puts every request no route matched under one "unmatched" route', async () => {
    expect((await app.inject({ method: 'GET', url: '/nope/1' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/nope/2' })).statusCode).toBe(404);
    expect(await value('http_server_requests_total', { method: 'GET', route: 'unmatched', status_code: '404' })).toBe(2);
  });
});
