import { z } from 'zod';
import { backendServiceEnv } from '@ecommerce/config';

export const SERVICE_NAME = 'notification-service';

export const configSchema = z.object({
  ...backendServiceEnv,
  SMTP_URL: z
    .string()
    .trim()
    .refine((value) => URL.canParse(value) && /^smtps?:$/.test(new URL(value).protocol), {
      message: 'expected smtp://host:port or smtps://user:password@host:port',
    })
    .describe('SMTP server the emails are sent through, e.g. smtp://127.0.0.1:1025 (secret when it has a password)'),
  MAIL_FROM: z
    .string()
    .trim()
    .min(3)
    .default('Ecommerce Platform <no-reply@example.com>')
    .describe('From: of every email, e.g. "Shop <no-reply@example.com>"'),
});

export type ServiceConfig = z.output<typeof configSchema>;
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
