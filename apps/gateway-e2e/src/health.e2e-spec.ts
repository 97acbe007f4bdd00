import request from 'supertest';
import { BACKEND_NAMES, E2eStack, waitFor } from '@ecommerce/testing';

describe('gateway health', () => {
  const stack = new E2eStack();
  const api = () => request(stack.gatewayUrl);

  it('GET /health/live → 200 while the process runs', async () => {
    const res = await api().get('/health/live').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /health/ready → 200 listing every backend as SERVING', async () => {
    const res = await api().get('/health/ready').expect(200);
    expect(res.body.status).toBe('ok');
    expect(Object.keys(res.body.services).sort()).toEqual([...BACKEND_NAMES].sort());
    for (const name of BACKEND_NAMES) expect(res.body.services[name]).toBe('SERVING');
  });

  it('goes 503 naming a stopped backend within 10 s, and 200 again once it is back', async () => {
    await stack.stop('inventory-service');
    const stoppedAt = Date.now();

    const res = await api().get('/health/ready');
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 503, title: 'Service Unavailable', detail: 'Not ready: inventory-service' });
    expect(res.body.services['inventory-service']).toBe('UNREACHABLE');
    for (const name of BACKEND_NAMES.filter((n) => n !== 'inventory-service')) {
      expect(res.body.services[name]).toBe('SERVING');
    }

    await stack.start('inventory-service');
    await waitFor('readiness to recover', async () => (await api().get('/health/ready')).status === 200, 15_000);
    const again = await api().get('/health/ready').expect(200);
    expect(again.body.services['inventory-service']).toBe('SERVING');
  });

  it('answers an unknown route with problem+json 404', async () => {
    const res = await api().get('/api/v1/nope').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404 });
  });
});
