import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('parseConfig with <NAME>_FILE', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, content: string): string {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  }

  it('reads a variable from the file NAME_FILE names, without its trailing line break', () => {
    const env = {
      PORT_FILE: file('port', '50051\n'),
      BROKERS: '127.0.0.1:1',
      NAME_FILE: file('name', 'multi\nline\n'),
    };
    expect(parseConfig(schema, env)).toEqual({
      PORT: 50051,
      BROKERS: ['127.0.0.1:1'],
      NAME: 'multi\nline',
    });
  });

  it('refuses NAME and NAME_FILE both set, naming the variable', () => {
    const error = captureError(() =>
      parseConfig(schema, { PORT: '1', PORT_FILE: file('port2', '2'), BROKERS: '127.0.0.1:1' }),
    );
    expect(error.variables).toEqual(['PORT']);
    expect(error.message).toBe(
      'Invalid configuration: PORT and PORT_FILE are both set; set one of them',
    );
  });

  it('names NAME_FILE when its file cannot be read', () => {
    const missing = join(dir, 'nope');
    const error = captureError(() =>
      parseConfig(schema, { PORT_FILE: missing, BROKERS: '127.0.0.1:1' }),
    );
    expect(error.variables).toEqual(['PORT_FILE']);
    expect(error.message).toBe(
      `Invalid configuration: PORT_FILE is invalid (cannot read ${missing}: ENOENT)`,
    );
  });

  it('validates what the file holds like any value, saying where it came from', () => {
    const error = captureError(() =>
      parseConfig(schema, { PORT_FILE: file('bad-port', '70000\n'), BROKERS: '127.0.0.1:1' }),
    );
    expect(error.variables).toEqual(['PORT']);
    expect(error.message).toMatch(
      /^Invalid configuration: PORT is invalid \(read from PORT_FILE\) \(/,
    );
    const empty = captureError(() =>
      parseConfig(schema, { PORT_FILE: file('empty', '\n'), BROKERS: '127.0.0.1:1' }),
    );
    expect(empty.message).toMatch(/PORT is required \(read from PORT_FILE\)/);
  });
});

describe('requiredVariables', () => {
  it('lists what a backend service cannot start without', () => {
    expect(requiredVariables(backendServiceSchema).sort()).toEqual([
      'DATABASE_URL',
      'GRPC_PORT',
      'KAFKA_BROKERS',
      'METRICS_PORT',
      'SERVICE_PUBLIC_KEYS',
    ]);
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
