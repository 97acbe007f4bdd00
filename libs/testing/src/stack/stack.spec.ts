import { appEnv, databaseUrl } from './stack';

describe('the local stack description', () => {
  it("builds each service's database URL from the PG* variables, with the password when there is one", () => {
    expect(databaseUrl('order', {})).toBe('postgresql://postgres@127.0.0.1:5432/ecommerce_order');
    expect(databaseUrl('order', { PGUSER: 'shop', PGPASSWORD: 'p@ss word', PGHOST: 'db', PGPORT: '6543' })).toBe(
      'postgresql://shop:p%40ss%20word@db:6543/ecommerce_order',
    );
    expect(databaseUrl('order', { ORDER_DATABASE_URL: 'postgresql://x@y:1/z' })).toBe('postgresql://x@y:1/z');
  });

  it('passes the OTEL_* variables through to every app, and nothing else of the environment', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'console', SECRET: 'x' };
    for (const app of ['gateway', 'order-service'] as const) {
      expect(appEnv(app, { env })).toMatchObject({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
        OTEL_TRACES_EXPORTER: 'console',
      });
      expect(appEnv(app, { env })).not.toHaveProperty('SECRET');
    }
  });
});
