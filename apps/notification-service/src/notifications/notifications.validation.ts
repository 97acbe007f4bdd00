import { z } from 'zod';
import { paging, uuid } from '@ecommerce/validation';

/** ListNotifications: whose (the gateway passes the caller's id from the token), which page. */
export const listNotificationsSchema = z.object({ userId: uuid(), ...paging });
export type ListNotificationsInput = z.output<typeof listNotificationsSchema>;
