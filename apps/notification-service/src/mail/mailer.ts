import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { SERVICE_CONFIG, type ServiceConfig } from '../config';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /**
   * What makes this email this email (the notification's dedup key). It becomes the
   * Message-ID, so the rare duplicate (see notify.service.ts) carries the same id as the first
   * and mail systems that deduplicate on it show it once.
   */
  key: string;
}

/** Email over SMTP (nodemailer) to SMTP_URL, from MAIL_FROM. */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly transport: Transporter;

  constructor(@Inject(SERVICE_CONFIG) private readonly config: ServiceConfig) {
    // Bounded waits: a send runs inside a database transaction (Prisma ends it after 5 s).
    this.transport = createTransport(config.SMTP_URL, {
      connectionTimeout: 2_000,
      greetingTimeout: 2_000,
      socketTimeout: 3_000,
    });
  }

  /** Resolves once the SMTP server accepted the email; rejects when it did not. */
  async send(mail: OutgoingMail): Promise<void> {
    const id = createHash('sha256').update(mail.key).digest('hex').slice(0, 32);
    await this.transport.sendMail({
      from: this.config.MAIL_FROM,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      messageId: `<${id}@notification-service>`,
    });
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
