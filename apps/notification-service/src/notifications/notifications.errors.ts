import { defineErrors, type ErrorCode } from '@ecommerce/errors';

/** Every way a notification-service call fails on purpose: only a request that is invalid. */
export const notificationErrors = defineErrors({});
export type NotificationErrorCode = ErrorCode<typeof notificationErrors>;
