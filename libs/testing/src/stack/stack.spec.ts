import { servicePublicKeyOf } from '@ecommerce/grpc';
import {
  appEnv,
  BACKEND_NAMES,
  databaseUrl,
  generateServiceKeys,
  localServiceKeys,
  type ServiceCaller,
} from './stack';

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

describe('the service keys of the local stack', () => {
  it('gives each calling app its private key, and each backend the public keys of exactly the apps that call it', () => {
    const keys = generateServiceKeys();
    const gateway = appEnv('gateway', { serviceKeys: keys });
    const orders = appEnv('order-service', { serviceKeys: keys });
    expect(servicePublicKeyOf(gateway['SERVICE_PRIVATE_KEY'] as string)).toBe(
      keys.gateway.publicKey,
    );
    expect(servicePublicKeyOf(orders['SERVICE_PRIVATE_KEY'] as string)).toBe(
      keys['order-service'].publicKey,
    );
    for (const backend of BACKEND_NAMES) {
      const callers = backend === 'inventory-service' ? ['gateway', 'order-service'] : ['gateway'];
      expect(appEnv(backend, { serviceKeys: keys })['SERVICE_PUBLIC_KEYS']).toBe(
        callers.map((caller) => `${caller}:${keys[caller as ServiceCaller].publicKey}`).join(','),
      );
      if (backend !== 'order-service')
        expect(appEnv(backend, { serviceKeys: keys })).not.toHaveProperty('SERVICE_PRIVATE_KEY');
    }
  });

  it("uses this process's own keys unless given some: the same for every app it starts, new in every process", () => {
    expect(appEnv('gateway')['SERVICE_PRIVATE_KEY']).toBe(localServiceKeys().gateway.privateKey);
    expect(appEnv('user-service')['SERVICE_PUBLIC_KEYS']).toBe(
      `gateway:${localServiceKeys().gateway.publicKey}`,
    );
    expect(generateServiceKeys().gateway.publicKey).not.toBe(localServiceKeys().gateway.publicKey);
  });
});
