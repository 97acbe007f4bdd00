import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceTokens, ServiceTokenVerifier } from '@ecommerce/grpc';
import { serviceKeyFiles } from './service-key-files';

describe('serviceKeyFiles', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'service-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("gives each app a directory of its own, with its private key (0600) or its callers' public keys", () => {
    serviceKeyFiles(dir);
    const files = (app: string) => readdirSync(join(dir, app)).sort();
    expect(readdirSync(dir).sort()).toEqual([
      'gateway',
      'inventory-service',
      'notification-service',
      'order-service',
      'payment-service',
      'user-service',
    ]);
    expect(files('gateway')).toEqual(['service.key']);
    expect(files('order-service')).toEqual(['callers', 'service.key']);
    expect(files('payment-service')).toEqual(['callers']);
    expect(statSync(join(dir, 'gateway', 'service.key')).mode & 0o777).toBe(0o600);
    const callers = (backend: string) =>
      readFileSync(join(dir, backend, 'callers'), 'utf8')
        .trim()
        .split(',')
        .map((entry) => entry.split(':')[0]);
    expect(callers('payment-service')).toEqual(['gateway']);
    expect(callers('inventory-service')).toEqual(['gateway', 'order-service']);
  });

  it('keeps the keys it finds: a second call returns the same ones, and a token of its key verifies', async () => {
    const first = serviceKeyFiles(dir);
    const lines: string[] = [];
    const second = serviceKeyFiles(dir, (line) => lines.push(line));
    expect(second).toEqual(first);
    expect(lines.filter((line) => line.startsWith('kept '))).toHaveLength(2);

    // order-service's SERVICE_PUBLIC_KEYS as the backend reads it: name:key,name:key
    const publicKeys = Object.fromEntries(
      readFileSync(join(dir, 'order-service', 'callers'), 'utf8')
        .trim()
        .split(',')
        .map((entry) => entry.split(':') as [string, string]),
    );
    const verifier = new ServiceTokenVerifier('order-service', publicKeys);
    const key = readFileSync(join(dir, 'gateway', 'service.key'), 'utf8');
    const authorization = await new ServiceTokens('gateway', key).authorization('order-service');
    await expect(verifier.verify(authorization)).resolves.toBe('gateway');
  });
});
