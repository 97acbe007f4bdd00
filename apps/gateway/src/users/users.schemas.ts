import { z } from 'zod';
import { pageSchema } from '../common/pagination';
import { requestSchema, responseSchema } from '../openapi/registry';

export const userSchema = responseSchema(
  'User',
  z.object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['customer', 'admin']),
    createdAt: z.iso.datetime(),
  }),
  'a user account; never a password or its hash',
);
export type UserResponse = z.output<typeof userSchema>;

export const userPageSchema = pageSchema('UserPage', userSchema);

export const updateMeBody = requestSchema(
  'UpdateMeRequest',
  z.object({ name: z.string().trim().min(1).max(100).optional() }),
);
