import { z } from 'zod';
import { ConfigError, parseConfig, requiredVariables } from './load-config';
import { backendServiceSchema } from './service-config';
import { hostPortList, port } from './env';

const schema = z.object({
  PORT: port('the port'),
  BROKERS: hostPortList('brokers'),
  NAME: z.string().default('svc').describe('a name'),
});

describe('parseConfig', () => {
  it('parses and coerces valid values and applies defaults', () => {
    expect(parseConfig(schema, { PORT: '50051', BROKERS: '127.0.0.1:29092, 127.0.0.1:29093' })).toEqual({
      PORT: 50051,
      BROKERS: ['127.0.0.1:29092', '127.0.0.1:29093'],
      NAME: 'svc',
    });
  });

  it('names a missing variable and what it is for, in one line', () => {
    const error = captureError(() => parseConfig(schema, { BROKERS: '127.0.0.1:29092' }));
    expect(error.variables).toEqual(['PORT']);
    expect(error.message).toBe('Invalid configuration: PORT is required — the port');
    expect(error.message).not.toContain('\n');
  });

  it('treats an empty string as missing', () => {
    const error = captureError(() => parseConfig(schema, { PORT: '  ', BROKERS: '127.0.0.1:1' }));
    expect(error.message).toContain('PORT is required');
  });

  it('reports every invalid variable', () => {
    const error = captureError(() => parseConfig(schema, { PORT: '70000', BROKERS: 'nope' }));
    expect(error.variables.sort()).toEqual(['BROKERS', 'PORT']);
    expect(error.message).toMatch(/PORT is invalid/);
    expect(error.message).toMatch(/BROKERS is invalid/);
  });
});

describe('requiredVariables', () => {
  it('lists what a backend service cannot start without', () => {
    expect(requiredVariables(backendServiceSchema).sort()).toEqual(['DATABASE_URL', 'GRPC_PORT', 'KAFKA_BROKERS', 'METRICS_PORT']);
  });
});

function captureError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
