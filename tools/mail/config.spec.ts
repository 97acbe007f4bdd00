import { planLocalMail, readMailInboxConfig, redactUrl } from './config';

describe('readMailInboxConfig', () => {
  it('defaults to SMTP on 127.0.0.1:1025 and the web page on 1080', () => {
    expect(readMailInboxConfig({})).toEqual({ host: '127.0.0.1', smtpPort: 1025, webPort: 1080 });
  });

  it('reads MAIL_SMTP_PORT and MAIL_WEB_PORT', () => {
    expect(readMailInboxConfig({ MAIL_SMTP_PORT: '2025', MAIL_WEB_PORT: ' 2080 ' })).toEqual({
      host: '127.0.0.1',
      smtpPort: 2025,
      webPort: 2080,
    });
  });

  it('refuses a bad port or one port for both, naming the variable', () => {
    expect(() => readMailInboxConfig({ MAIL_SMTP_PORT: 'smtp' })).toThrow(/MAIL_SMTP_PORT.*"smtp"/);
    expect(() => readMailInboxConfig({ MAIL_WEB_PORT: '70000' })).toThrow(/MAIL_WEB_PORT/);
    expect(() => readMailInboxConfig({ MAIL_WEB_PORT: '0' })).toThrow(/MAIL_WEB_PORT/);
    expect(() => readMailInboxConfig({ MAIL_SMTP_PORT: '1080' })).toThrow(
      /must differ \(both are 1080\)/,
    );
  });
});

describe('planLocalMail', () => {
  const local = (smtpPort: number, webPort = 1080) => ({
    kind: 'local',
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    host: '127.0.0.1',
    smtpPort,
    webPort,
  });

  it('runs the inbox when SMTP_URL is unset or empty', () => {
    expect(planLocalMail({})).toEqual(local(1025));
    expect(planLocalMail({ SMTP_URL: ' ' })).toEqual(local(1025));
    expect(planLocalMail({ MAIL_SMTP_PORT: '2025', MAIL_WEB_PORT: '2080' })).toEqual(
      local(2025, 2080),
    );
  });

  it("runs the inbox when SMTP_URL is the inbox's own address", () => {
    expect(planLocalMail({ SMTP_URL: 'smtp://127.0.0.1:1025' })).toEqual(local(1025));
    expect(planLocalMail({ SMTP_URL: 'smtp://localhost:1025' })).toEqual(local(1025));
    expect(planLocalMail({ SMTP_URL: 'smtp://127.0.0.1:2025', MAIL_SMTP_PORT: '2025' })).toEqual(
      local(2025),
    );
  });

  it('starts nothing when SMTP_URL names another server', () => {
    for (const smtpUrl of [
      'smtp://127.0.0.1:2025',
      'smtp://mailpit:1025',
      'smtp://127.0.0.1',
      'smtps://127.0.0.1:1025',
      'smtp://user:password@127.0.0.1:1025',
      'smtps://mailer:secret@smtp.example.com:465',
    ]) {
      expect(planLocalMail({ SMTP_URL: smtpUrl })).toEqual({ kind: 'elsewhere', smtpUrl });
    }
  });
});

describe('redactUrl', () => {
  it('masks the password and keeps the rest', () => {
    expect(redactUrl('smtps://mailer:s3cret@smtp.example.com:465')).toBe(
      'smtps://mailer:***@smtp.example.com:465',
    );
    expect(redactUrl('smtp://127.0.0.1:1025')).toBe('smtp://127.0.0.1:1025');
  });

  it('prints nothing of a value that is not an SMTP URL', () => {
    expect(redactUrl('mailer:s3cret@smtp')).toBe('(not an smtp:// or smtps:// URL)');
    expect(redactUrl('s3cret')).toBe('(not an smtp:// or smtps:// URL)');
  });
});
