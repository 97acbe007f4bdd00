/**
 * Where `npm run start:local` delivers the platform's emails, decided from the environment
 * alone (no I/O here, so every case is unit-tested): a local inbox on MAIL_SMTP_PORT, unless
 * SMTP_URL sends them to some other server.
 */

/** The inbox has no authentication: it listens on loopback only. */
export const MAIL_HOST = '127.0.0.1';

/** Where Mailpit (`docker compose up -d infra`) shows what arrives on 1025. */
export const MAILPIT_INBOX_URL = 'http://127.0.0.1:8025';

export interface MailInboxConfig {
  host: string;
  smtpPort: number;
  webPort: number;
}

export type MailPlan =
  /** SMTP_URL names another server: no inbox is started, the apps send there. */
  | { kind: 'elsewhere'; smtpUrl: string }
  /** The apps send to `smtpUrl`: the inbox started there, or the SMTP server found there. */
  | ({ kind: 'local'; smtpUrl: string } & MailInboxConfig);

/** Reads MAIL_SMTP_PORT (default 1025) and MAIL_WEB_PORT (default 1080); a bad value throws naming it. */
export function readMailInboxConfig(env: NodeJS.ProcessEnv = process.env): MailInboxConfig {
  const smtpPort = parsePort('MAIL_SMTP_PORT', env['MAIL_SMTP_PORT'], 1025);
  const webPort = parsePort('MAIL_WEB_PORT', env['MAIL_WEB_PORT'], 1080);
  if (smtpPort === webPort) {
    throw new Error(`MAIL_SMTP_PORT and MAIL_WEB_PORT must differ (both are ${smtpPort})`);
  }
  return { host: MAIL_HOST, smtpPort, webPort };
}

export function planLocalMail(env: NodeJS.ProcessEnv = process.env): MailPlan {
  const config = readMailInboxConfig(env);
  const smtpUrl = `smtp://${config.host}:${config.smtpPort}`;
  const explicit = env['SMTP_URL']?.trim();
  // SMTP_URL spelling out the inbox's own address (as .env.example does) still gets the inbox.
  if (explicit && !isLocalSmtpUrl(explicit, config.smtpPort))
    return { kind: 'elsewhere', smtpUrl: explicit };
  return { kind: 'local', smtpUrl, ...config };
}

/** SMTP_URL with its password masked, for printing: it may carry credentials. */
export function redactUrl(url: string): string {
  const parsed = parseUrl(url);
  // Anything else may be a secret in some other shape: print none of it.
  if (!parsed || !['smtp:', 'smtps:'].includes(parsed.protocol))
    return '(not an smtp:// or smtps:// URL)';
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

function isLocalSmtpUrl(url: string, port: number): boolean {
  const parsed = parseUrl(url);
  return (
    parsed !== undefined &&
    parsed.protocol === 'smtp:' &&
    ['127.0.0.1', 'localhost'].includes(parsed.hostname) &&
    !parsed.username &&
    Number(parsed.port || 25) === port
  );
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function parsePort(name: string, value: string | undefined, fallback: number): number {
  const text = value?.trim();
  if (!text) return fallback;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new Error(`${name} must be a TCP port (1-65535), got "${value}"`);
  }
  return port;
}
