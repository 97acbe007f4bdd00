import { generateKeyPairSync } from 'node:crypto';
import { z } from 'zod';
import { COMMITTED_DEVELOPMENT_KEY } from '@ecommerce/testing';
import { ConfigError, parseConfig } from './load-config';
import { nodeEnv } from './env';

const schema = z.object({
  NODE_ENV: nodeEnv(),
  DATABASE_URL: z.string().optional(),
  REDIS_URL: z.string().optional(),
  JWT_PRIVATE_KEY: z.string().optional(),
  ADMIN_PASSWORD: z.string().optional(),
});

const ownKey = generateKeyPairSync('ed25519')
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();

function refusal(env: Record<string, string>): ConfigError | undefined {
  try {
    parseConfig(schema, { NODE_ENV: 'production', ...env });
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
}

describe('with NODE_ENV=production, parseConfig refuses what this repository publishes', () => {
  it('refuses the development key once committed, with or without \\n escapes, naming the variable', () => {
    for (const key of [
      COMMITTED_DEVELOPMENT_KEY,
      COMMITTED_DEVELOPMENT_KEY.replace(/\\n/g, '\n'),
    ]) {
      const error = refusal({ JWT_PRIVATE_KEY: key });
      expect(error?.variables).toEqual(['JWT_PRIVATE_KEY']);
      expect(error?.message).toBe(
        'Invalid configuration: JWT_PRIVATE_KEY is the development key committed to this repository: ' +
          'generate your own (refused with NODE_ENV=production)',
      );
    }
    expect(refusal({ JWT_PRIVATE_KEY: ownKey })).toBeUndefined();
  });

  it('refuses any value marked dev-only, without printing it', () => {
    const error = refusal({ ADMIN_PASSWORD: 'dev-only-admin-password' });
    expect(error?.variables).toEqual(['ADMIN_PASSWORD']);
    expect(error?.message).not.toContain('admin-password');
    expect(refusal({ ADMIN_PASSWORD: 'kT8#vq2!mZ' })).toBeUndefined();
  });

  it('refuses a default or dev-only database password, and accepts one of your own or none (certificates, a socket)', () => {
    expect(
      refusal({ DATABASE_URL: 'postgresql://postgres:postgres@db:5432/ecommerce_user' })?.message,
    ).toContain('DATABASE_URL uses a default database password');
    expect(
      refusal({ DATABASE_URL: 'postgresql://user_service:dev-only-user-service@db/ecommerce_user' })
        ?.variables,
    ).toEqual(['DATABASE_URL']);
    expect(
      refusal({ DATABASE_URL: 'postgresql://user_service:Zq9%40x@db/ecommerce_user' }),
    ).toBeUndefined();
    expect(
      refusal({ DATABASE_URL: 'postgresql://user_service@db/ecommerce_user?sslmode=verify-full' }),
    ).toBeUndefined();
  });

  it('refuses Redis without a password', () => {
    expect(refusal({ REDIS_URL: 'redis://redis:6379' })?.message).toContain(
      'REDIS_URL has no password',
    );
    expect(refusal({ REDIS_URL: 'redis://:Zq9x7@redis:6379' })).toBeUndefined();
  });

  it('names every refused variable at once', () => {
    const error = refusal({
      REDIS_URL: 'redis://redis:6379',
      JWT_PRIVATE_KEY: COMMITTED_DEVELOPMENT_KEY,
      ADMIN_PASSWORD: 'dev-only-x',
    });
    expect(error?.variables.sort()).toEqual(['ADMIN_PASSWORD', 'JWT_PRIVATE_KEY', 'REDIS_URL']);
  });

  it('accepts all of it outside production', () => {
    const env = {
      REDIS_URL: 'redis://redis:6379',
      JWT_PRIVATE_KEY: COMMITTED_DEVELOPMENT_KEY,
      ADMIN_PASSWORD: 'dev-only-x',
    };
    expect(parseConfig(schema, { NODE_ENV: 'development', ...env })).toMatchObject(env);
  });
});
