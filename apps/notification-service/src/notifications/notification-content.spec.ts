import { orderV1 } from '@ecommerce/contracts';
import { configSchema } from '../config';
import {
  CANCELLATION_REASONS,
  money,
  orderCancelledNotification,
  orderConfirmedNotification,
  welcomeNotification,
} from './notification-content';

const userId = '6f1c2a4e-8a7d-4a8e-9d61-1f0a3b2c4d5e';
const orderId = '22222222-2222-4222-8222-222222222222';
const ada = { userId, name: 'Ada', email: 'ada@example.com' };

describe('notification content', () => {
  it('welcomes a user under the key WELCOME:<user>', () => {
    expect(welcomeNotification(ada)).toEqual({
      type: 'WELCOME',
      dedupKey: `WELCOME:${userId}`,
      userId,
      subject: 'Welcome, Ada',
      text: 'Hello Ada,\n\nyour account ada@example.com is ready. Happy shopping!\n',
    });
    expect(welcomeNotification({ ...ada, name: 'x'.repeat(300) }).subject).toHaveLength(200);
  });

  it('confirms an order under ORDER_CONFIRMED:<order>, with its total', () => {
    const content = orderConfirmedNotification('Ada', {
      orderId,
      userId,
      totalCents: 4_990,
      currency: 'EUR',
      confirmedAt: '',
    });
    expect(content).toMatchObject({
      type: 'ORDER_CONFIRMED',
      dedupKey: `ORDER_CONFIRMED:${orderId}`,
      orderId,
      subject: 'Your order 22222222 is confirmed',
    });
    expect(content.text).toContain('49.90 EUR');
    expect(content.text).toMatch(/^Hello Ada,\n/);
  });

  it('tells why an order was cancelled, under ORDER_CANCELLED:<order>', () => {
    const content = orderCancelledNotification(undefined, {
      orderId,
      userId,
      totalCents: 100,
      currency: 'EUR',
      reason: orderV1.CancellationReason.PAYMENT_DECLINED,
      cancelledAt: '',
    });
    expect(content).toMatchObject({ type: 'ORDER_CANCELLED', dedupKey: `ORDER_CANCELLED:${orderId}` });
    expect(content.text).toContain('because the payment was declined.');
    expect(content.text).toMatch(/^Hello,\n/);
    for (const reason of Object.values(orderV1.CancellationReason)) expect(CANCELLATION_REASONS[reason]).toBeTruthy();
  });

  it('writes minor units as an amount', () => {
    expect(money(5, 'USD')).toBe('0.05 USD');
    expect(money(123_456, 'EUR')).toBe('1234.56 EUR');
  });
});

describe('configSchema', () => {
  const base = {
    GRPC_PORT: '50055',
    METRICS_PORT: '9105',
    DATABASE_URL: 'postgresql://x/y',
    KAFKA_BROKERS: '127.0.0.1:29092',
    // RFC 8037's example Ed25519 public key.
    SERVICE_PUBLIC_KEYS: 'gateway:11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
  };

  it('wants an smtp:// or smtps:// SMTP_URL and has a default sender', () => {
    expect(configSchema.parse({ ...base, SMTP_URL: 'smtp://127.0.0.1:1025' }).MAIL_FROM).toBe(
      'Ecommerce Platform <no-reply@example.com>',
    );
    expect(configSchema.safeParse({ ...base, SMTP_URL: 'smtps://u:p@mail.example.com:465' }).success).toBe(true);
    expect(configSchema.safeParse({ ...base, SMTP_URL: 'http://127.0.0.1:1025' }).success).toBe(false);
    expect(configSchema.safeParse(base).success).toBe(false);
  });
});
