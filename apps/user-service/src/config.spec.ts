import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, parseConfig } from '@ecommerce/config';
import { configSchema } from './config';

const base = {
  GRPC_PORT: '50051',
  METRICS_PORT: '9101',
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/ecommerce_user',
  KAFKA_BROKERS: '127.0.0.1:29092',
  // RFC 8037's example Ed25519 public key.
  SERVICE_PUBLIC_KEYS: 'gateway:11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
};
const ed25519Pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const production = {
  ...base,
  NODE_ENV: 'production',
  JWT_PRIVATE_KEY: ed25519Pem,
  ADMIN_EMAIL: 'admin@example.com',
  ADMIN_PASSWORD: 'a long admin password',
};

function configError(env: Record<string, string>): ConfigError {
  try {
    parseConfig(configSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('user-service config', () => {
  it('has development defaults for the token claims, and needs no key or admin outside production', () => {
    expect(parseConfig(configSchema, base)).toMatchObject({
      JWT_ISSUER: 'ecommerce-platform',
      JWT_AUDIENCE: 'ecommerce-api',
      ACCESS_TOKEN_TTL_SECONDS: 900,
      JWT_PRIVATE_KEY: undefined,
      ADMIN_EMAIL: undefined,
    });
  });

  it.each(['JWT_PRIVATE_KEY', 'ADMIN_EMAIL', 'ADMIN_PASSWORD'])(
    'refuses to start in production without %s, in one line naming it',
    (variable) => {
      const env: Record<string, string> = { ...production };
      delete env[variable];
      const error = configError(env);
      expect(error.variables).toEqual([variable]);
      expect(error.message).toMatch(new RegExp(`^Invalid configuration: ${variable} is required — .*production`));
      expect(error.message).not.toContain('\n');
    },
  );

  it('accepts a production configuration, and a PEM written on one line with \\n escapes', () => {
    expect(parseConfig(configSchema, production).JWT_PRIVATE_KEY).toBe(ed25519Pem.trim());
    const oneLine = ed25519Pem.trim().replace(/\n/g, '\\n');
    expect(parseConfig(configSchema, { ...production, JWT_PRIVATE_KEY: oneLine }).JWT_PRIVATE_KEY).toBe(
      ed25519Pem.trim(),
    );
  });

  it('refuses a key that is not an Ed25519 PKCS8 PEM, and an admin password shorter than the policy', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(configError({ ...production, JWT_PRIVATE_KEY: rsa.toString() }).message).toMatch(
      /JWT_PRIVATE_KEY is invalid \(expected the PKCS8 PEM of an Ed25519 private key\)/,
    );
    expect(configError({ ...production, JWT_PRIVATE_KEY: 'not a key' }).variables).toEqual(['JWT_PRIVATE_KEY']);
    expect(configError({ ...production, ADMIN_PASSWORD: 'short' }).variables).toEqual(['ADMIN_PASSWORD']);
    expect(configError({ ...production, ADMIN_EMAIL: 'nobody' }).variables).toEqual(['ADMIN_EMAIL']);
  });
});
