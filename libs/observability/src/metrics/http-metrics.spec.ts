import express from 'express';
import request from 'supertest';
import { httpMetricsMiddleware } from './http-metrics';
import { createMetricsRegistry } from './registry';

describe('httpMetricsMiddleware', () => {
  const registry = createMetricsRegistry('gateway');
  const app = express();
  app.use(httpMetricsMiddleware(registry));
  // Like Nest's middleware bound to every route: it leaves its catch-all route on the request.
  app.all('/{*path}', (_req, _res, next) => next());
  const orders = express.Router();
  orders.get('/:id', (_req, res) => void res.status(200).json({}));
  app.use('/api/v1/orders', orders);
  app.post('/api/v1/things', (_req, res) => void res.status(422).end());

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
    await request(app).get('/api/v1/orders/123').expect(200);
    await request(app).get('/api/v1/orders/456').expect(200);
    await request(app).post('/api/v1/things').expect(422);
    const labels = { method: 'GET', route: '/api/v1/orders/:id', status_code: '200' };
    expect(await value('http_server_requests_total', labels)).toBe(2);
    expect(await value('http_server_request_duration_seconds', labels)).toBe(2);
    expect(await value('http_server_requests_total', { method: 'POST', route: '/api/v1/things', status_code: '422' })).toBe(1);
    expect(await registry.metrics()).not.toContain('/api/v1/orders/123');
  });

  it('puts every request no route matched under one "unmatched" route', async () => {
    await request(app).get('/nope/1').expect(404);
    await request(app).get('/nope/2').expect(404);
    expect(await value('http_server_requests_total', { method: 'GET', route: 'unmatched', status_code: '404' })).toBe(2);
  });
});
