import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ecommerce/config';
import { createTransport, type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { type ServiceConfig } from '../config';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /**
   * What makes this email this email (the notification's dedup key). It becomes the
   * Message-ID, so the rare resend (see mail-sender.ts) carries the same id as the first and
   * mail systems that deduplicate on it show it once.
   */
  key: string;
}

/** The Message-ID of the email for a notification key: the same however often it is sent. */
export function messageIdFor(key: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@notification-service>`;
}

/** Email over SMTP (nodemailer) to SMTP_URL, from MAIL_FROM. */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly transport: Transporter;

  constructor(@Inject(SERVICE_CONFIG) private readonly config: ServiceConfig) {
    this.transport = createTransport(transportOptions(config.SMTP_URL));
  }

  /** Resolves with the Message-ID once the SMTP server accepted the email; rejects when it did not. */
  async send(mail: OutgoingMail): Promise<string> {
    const messageId = messageIdFor(mail.key);
    await this.transport.sendMail({
      from: this.config.MAIL_FROM,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      messageId,
    });
    return messageId;
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}

/**
 * SMTP_URL as transport options, with a small pool and bounded waits: a few connections reused
 * from one email to the next, and a mail server that hangs fails an attempt (to be retried)
 * instead of holding the sender. (nodemailer's `createTransport(url, options)` would not do:
 * given a URL, it reads its second argument as message defaults, not as transport options.)
 */
export function transportOptions(smtpUrl: string): SMTPPool.Options {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  return {
    pool: true,
    maxConnections: 3,
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
    socketTimeout: 10_000,
  };
}
