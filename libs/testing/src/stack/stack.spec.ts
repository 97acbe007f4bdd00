import { servicePublicKeyOf } from '@ecommerce/grpc';
import {
  appEnv,
  appOf,
  BACKEND_NAMES,
  databaseUrl,
  generateServiceKeys,
  instanceName,
  localServiceKeys,
  replicaOf,
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

  it('gives every replica its own ports, 10 apart, and every client every replica of a backend', () => {
    const options = { replicas: 2, env: {} };
    expect(appEnv('order-service', options, 1)).toMatchObject({ GRPC_PORT: '50062', METRICS_PORT: '9112' });
    expect(appEnv('gateway', options, 1)).toMatchObject({
      GATEWAY_PORT: '3010',
      ORDER_SERVICE_URL: '127.0.0.1:50052,127.0.0.1:50062',
    });
    expect(appEnv('order-service', options)).toMatchObject({ INVENTORY_SERVICE_URL: '127.0.0.1:50054,127.0.0.1:50064' });
    // Ports given for each replica (a stack on free ports) are taken as they are.
    expect(appEnv('user-service', { replicas: 2, grpcPorts: { 'user-service': [4001, 4002] }, env: {} }, 1)).toMatchObject({
      GRPC_PORT: '4002',
    });
    expect(appEnv('gateway', { env: {} })).toMatchObject({ GATEWAY_PORT: '3000', USER_SERVICE_URL: '127.0.0.1:50051' });
  });

  it('names replicas after their app', () => {
    expect([instanceName('gateway'), instanceName('gateway', 1)]).toEqual(['gateway', 'gateway-2']);
    expect([appOf('order-service-2'), replicaOf('order-service-2'), appOf('order-service'), replicaOf('order-service')]).toEqual([
      'order-service',
      1,
      'order-service',
      0,
    ]);
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
