import { z } from 'zod';
import { pageSchema } from '../common/pagination';
import { responseSchema } from '../openapi/registry';

export const NOTIFICATION_TYPES = ['WELCOME', 'ORDER_CONFIRMED', 'ORDER_CANCELLED'] as const;

export const notificationSchema = responseSchema(
  'Notification',
  z.object({
    id: z.uuid(),
    type: z.enum(NOTIFICATION_TYPES),
    channel: z.literal('email'),
    subject: z.string(),
    orderId: z.uuid().optional().describe('set for order notifications'),
    createdAt: z.iso.datetime(),
  }),
);
export type NotificationResponse = z.output<typeof notificationSchema>;

export const notificationPageSchema = pageSchema('NotificationPage', notificationSchema);
