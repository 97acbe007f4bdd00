import { generateKeyPairSync } from 'node:crypto';
import { z } from 'zod';
import { parseConfig } from './load-config';
import { ed25519PrivateKeyPem, grpcAddresses, servicePublicKeys } from './env';

const x = () => generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x as string;

describe('servicePublicKeys', () => {
  const schema = servicePublicKeys('the callers');
  const problem = (value: string) => {
    const result = schema.safeParse(value);
    return result.success ? undefined : result.error.issues[0]?.message;
  };

  it('parses name:key,name:key into the key of each caller', () => {
    const [gateway, orders] = [x(), x()];
    expect(schema.parse(`gateway:${gateway}, order-service:${orders}`)).toEqual({
      gateway,
      'order-service': orders,
    });
    expect(schema.parse(`gateway:${gateway}`)).toEqual({ gateway });
  });

  it('refuses an entry that is not name:key, a name given twice, and a key that is not 32 bytes of base64url', () => {
    const key = x();
    expect(problem(key)).toMatch(/is not name:key/);
    expect(problem(`Gateway:${key}`)).toMatch(/is not name:key/);
    expect(problem(`gateway:${key},`)).toMatch(/is not name:key/);
    expect(problem(`gateway:${key},gateway:${x()}`)).toMatch(/gateway is listed twice/);
    expect(problem(`gateway:${key.slice(1)}`)).toMatch(
      /the key of gateway is not a base64url Ed25519 public key/,
    );
    expect(problem(`gateway:${key.slice(0, 42)}+`)).toMatch(/the key of gateway is not/);
    expect(problem(`gateway:${Buffer.alloc(33).toString('base64url')}`)).toMatch(
      /the key of gateway is not/,
    );
    expect(schema.safeParse('').success).toBe(false);
  });
});

describe('ed25519PrivateKeyPem', () => {
  const schema = z.object({ KEY: ed25519PrivateKeyPem() });
  const pem = generateKeyPairSync('ed25519')
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();

  it('accepts the PKCS8 PEM of an Ed25519 key, also written on one line with \\n escapes', () => {
    expect(schema.parse({ KEY: pem }).KEY).toBe(pem.trim());
    expect(schema.parse({ KEY: pem.trim().replace(/\n/g, '\\n') }).KEY).toBe(pem.trim());
  });

  it('refuses any other key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    expect(schema.safeParse({ KEY: rsa.toString() }).success).toBe(false);
    expect(schema.safeParse({ KEY: 'not a key' }).success).toBe(false);

  });
});

const addressSchema = z.object({ ORDER_SERVICE_URL: grpcAddresses('gRPC address of order-service') });
const parse = (value: string) =>
  parseConfig(addressSchema, { ORDER_SERVICE_URL: value }).ORDER_SERVICE_URL;

describe('grpcAddresses', () => {
  it('takes one host:port, a DNS name included', () => {
    expect(parse('order-service:50052')).toEqual(['order-service:50052']);
    expect(parse(' 127.0.0.1:50052 ')).toEqual(['127.0.0.1:50052']);
  });

  it('takes a comma-separated list of IP addresses, one per replica', () => {
    expect(parse('127.0.0.1:50052, 127.0.0.1:50062')).toEqual([
      '127.0.0.1:50052',
      '127.0.0.1:50062',
    ]);
    expect(parse('[::1]:50052,[::1]:50062')).toEqual(['[::1]:50052', '[::1]:50062']);
  });

  it('refuses a list of names, a mixed list and an entry without a port, naming the variable', () => {
    for (const value of [
      'order-a:50052,order-b:50052',
      '127.0.0.1:50052,[::1]:50062',
      '127.0.0.1:50052,127.0.0.1',
    ]) {
      expect(() => parse(value)).toThrow(/ORDER_SERVICE_URL is invalid/);
    }
  });
});
