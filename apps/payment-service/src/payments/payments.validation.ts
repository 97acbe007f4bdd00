import { z } from 'zod';
import { uuid } from '@ecommerce/validation';

/**
 * GetPaymentByOrder. The caller's id is needed to check ownership, so only an admin may come
 * without one (an admin reads every payment).
 */
export const getPaymentByOrderSchema = z
  .object({ orderId: uuid(), callerUserId: z.string(), callerIsAdmin: z.boolean() })
  .superRefine((request, ctx) => {
    if (!request.callerIsAdmin && !z.guid().safeParse(request.callerUserId).success) {
      ctx.addIssue({
        code: 'custom',
        path: ['callerUserId'],
        message: 'must be a UUID unless the caller is an admin',
      });
    }
  });
