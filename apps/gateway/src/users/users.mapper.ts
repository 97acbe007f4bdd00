import { userV1 } from '@ecommerce/contracts';
import type { Role } from '../auth/token-verifier';
import type { UserResponse } from './users.schemas';

const ROLES: Record<userV1.UserRole, Role | undefined> = {
  [userV1.UserRole.CUSTOMER]: 'customer',
  [userV1.UserRole.ADMIN]: 'admin',
  [userV1.UserRole.UNSPECIFIED]: undefined,
  [userV1.UserRole.UNRECOGNIZED]: undefined,
};

export function toUser(user: userV1.User | undefined): UserResponse {
  if (!user) throw new Error('user-service answered without a user');
  const role = ROLES[user.role];
  if (!role) throw new Error(`user-service sent role ${user.role}`);
  return { id: user.id, email: user.email, name: user.name, role, createdAt: user.createdAt };
}
