import { MetricsServer } from './metrics-server';
import { counter, createMetricsRegistry } from './registry';

describe('createMetricsRegistry', () => {
  it('labels every series with the service and includes the process metrics', async () => {
    const registry = createMetricsRegistry('order-service');
    counter(registry, { name: 'things_total', help: 'things', labelNames: ['kind'] }).inc({ kind: 'a' });
    const text = await registry.metrics();
    expect(text).toContain('things_total{kind="a",service="order-service"} 1');
    expect(text).toMatch(/^process_cpu_user_seconds_total\{service="order-service"\} /m);
  });

  it('hands back the metric already registered under a name instead of failing', () => {
    const registry = createMetricsRegistry('user-service');
    const first = counter(registry, { name: 'twice_total', help: 'twice' });
    expect(counter(registry, { name: 'twice_total', help: 'twice' })).toBe(first);
  });
});

describe('MetricsServer', () => {
  const registry = createMetricsRegistry('payment-service');
  const server = new MetricsServer({ registry, host: '127.0.0.1', port: 0 });
  const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;

  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it('serves the registry as Prometheus text on GET /metrics', async () => {
    counter(registry, { name: 'served_total', help: 'served' }).inc(3);
    const response = await fetch(url('/metrics'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(registry.contentType);
    expect(await response.text()).toContain('served_total{service="payment-service"} 3');
  });

  it('answers 404 to any other path or method', async () => {
    expect((await fetch(url('/'))).status).toBe(404);
    expect((await fetch(url('/metrics/extra'))).status).toBe(404);
    expect((await fetch(url('/metrics'), { method: 'POST' })).status).toBe(404);
  });

  it('refuses to start on a port that is taken', async () => {
    const second = new MetricsServer({ registry, host: '127.0.0.1', port: server.port });
    await expect(second.start()).rejects.toThrow(/EADDRINUSE/);
  });
});
