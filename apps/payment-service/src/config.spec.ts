import { configSchema } from './config';

describe('configSchema', () => {
  const base = {
    GRPC_PORT: '50053',
    METRICS_PORT: '9103',
    DATABASE_URL: 'postgresql://x/y',
    KAFKA_BROKERS: '127.0.0.1:29092',
    // RFC 8037's example Ed25519 public key.
    SERVICE_PUBLIC_KEYS: 'gateway:11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
  };

  it('defaults to 3 attempts, 100 ms apart and doubling', () => {
    expect(configSchema.parse(base)).toMatchObject({ PAYMENT_MAX_ATTEMPTS: 3, PAYMENT_RETRY_BASE_MS: 100 });
  });

  it('refuses retries that would wait longer than a capture may hold its transaction', () => {
    const result = configSchema.safeParse({ ...base, PAYMENT_MAX_ATTEMPTS: '5', PAYMENT_RETRY_BASE_MS: '500' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/wait 7500 ms in all/);
  });
});
