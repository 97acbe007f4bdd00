import { userV1 } from '@ecommerce/contracts';
import type { User, UserRole } from './user';

const ROLES: Record<UserRole, userV1.UserRole> = {
  customer: userV1.UserRole.CUSTOMER,
  admin: userV1.UserRole.ADMIN,
};

/** The public view of a user: every column but the password hash. */
export function toUserMessage(user: User): userV1.User {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: ROLES[user.role],
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}
