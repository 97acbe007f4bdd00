import { z } from 'zod';
import { backendServiceEnv, positiveInt } from '@ecommerce/config';

/** The name in logs and health reports, the Kafka client id and consumer groups, and `ce_source`. */
export const SERVICE_NAME = 'notification-service';

export const configSchema = z.object({
  ...backendServiceEnv,
  SMTP_URL: z
    .string()
    .trim()
    .refine((value) => URL.canParse(value) && /^smtps?:$/.test(new URL(value).protocol), {
      message: 'expected smtp://host:port or smtps://user:password@host:port',
    })
    .describe(
      'SMTP server the emails are sent through, e.g. smtp://127.0.0.1:1025 (secret when it has a password)',
    ),
  MAIL_FROM: z
    .string()
    .trim()
    .min(3)
    .default('Ecommerce Platform <no-reply@example.com>')
    .describe('From: of every email, e.g. "Shop <no-reply@example.com>"'),
  MAIL_RETRY_HORIZON_MS: positiveInt(
    'how long a notification is retried while the mail server refuses (4xx) or cannot be reached, in ms from its first attempt, before it is FAILED',
  ).default(24 * 60 * 60 * 1_000),
  MAIL_RETRY_INITIAL_MS: positiveInt(
    'the wait after a first failed delivery attempt, in ms; it doubles after each further one',
  ).default(1_000),
  MAIL_RETRY_MAX_MS: positiveInt('the longest wait between two delivery attempts, in ms').default(
    10 * 60 * 1_000,
  ),
  MAIL_POLL_INTERVAL_MS: positiveInt(
    'how often the sender looks for notifications due (retries, and those recorded by another instance), in ms',
  ).default(1_000),
});

export type ServiceConfig = z.output<typeof configSchema>;
