import { z } from 'zod';
import { pageSchema } from '../common/pagination';
import { responseSchema } from '../openapi/registry';

export const NOTIFICATION_TYPES = ['WELCOME', 'ORDER_CONFIRMED', 'ORDER_CANCELLED'] as const;
export const NOTIFICATION_STATUSES = ['PENDING', 'SENT', 'FAILED'] as const;

export const notificationSchema = responseSchema(
  'Notification',
  z.object({
    id: z.uuid(),
    type: z.enum(NOTIFICATION_TYPES),
    channel: z.literal('email'),
    subject: z.string(),
    orderId: z.uuid().optional().describe('set for order notifications'),
    status: z
      .enum(NOTIFICATION_STATUSES)
      .describe('PENDING until the mail server accepts it (SENT); FAILED after a permanent refusal or the retry horizon'),
    attempts: z.number().int().min(0).describe('delivery attempts so far'),
    sentAt: z.iso.datetime().optional().describe('when the mail server accepted it; set once SENT'),
    createdAt: z.iso.datetime(),
  }),
);
export type NotificationResponse = z.output<typeof notificationSchema>;

export const notificationPageSchema = pageSchema('NotificationPage', notificationSchema);
