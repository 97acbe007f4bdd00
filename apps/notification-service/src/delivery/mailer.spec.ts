import { messageIdFor, transportOptions } from './mailer';

describe('transportOptions', () => {
  it('reads host and port from smtp://, pooled, with bounded waits', () => {
    expect(transportOptions('smtp://127.0.0.1:1025')).toMatchObject({
      pool: true,
      host: '127.0.0.1',
      port: 1025,
      secure: false,
      connectionTimeout: expect.any(Number),
      socketTimeout: expect.any(Number),
    });
    expect(transportOptions('smtp://mail.example.com')).not.toHaveProperty('auth');
  });

  it('smtps:// is TLS on 465 by default, with the decoded credentials', () => {
    expect(transportOptions('smtps://shop%40example.com:p%3Ass@smtp.example.com')).toMatchObject({
      secure: true,
      port: 465,
      auth: { user: 'shop@example.com', pass: 'p:ss' },
    });
  });
});

describe('messageIdFor', () => {
  it('is the same for the same key, and another for another', () => {
    expect(messageIdFor('WELCOME:1')).toBe(messageIdFor('WELCOME:1'));
    expect(messageIdFor('WELCOME:1')).not.toBe(messageIdFor('WELCOME:2'));
    expect(messageIdFor('WELCOME:1')).toMatch(/^<[0-9a-f]{32}@notification-service>$/);
  });
});
