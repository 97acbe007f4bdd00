import { Injectable } from '@nestjs/common';
import type { commonV1, userV1 } from '@ecommerce/contracts';
import { parseRequest } from '@ecommerce/validation';
import { PasswordHasher } from './password-hasher';
import { userErrors } from './users.errors';
import { toUserMessage } from './user.mapper';
import { UsersRepository } from './users.repository';
import {
  listUsersSchema,
  registerSchema,
  updateUserSchema,
  userIdSchema,
} from './users.validation';

/**
 * Accounts: create, read, rename, list, delete.
 *
 * Who may do what (admin only, or the user themself) is decided by the gateway, which has
 * the caller's verified token; this service sits on the internal network and trusts its
 * callers to have checked.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordHasher,
  ) {}

  async register(request: userV1.RegisterRequest): Promise<userV1.User> {
    const { email, password, name } = parseRequest(registerSchema, request);
    const passwordHash = await this.passwords.hash(password);
    // The account and its UserRegistered event commit together (transactional outbox); the
    // unique index on the email, not a query first, tells that it is taken.
    const user = await this.users.register({ email, name, passwordHash, role: 'customer' });
    if (!user) throw userErrors.create('EMAIL_TAKEN', 'this email is already registered');
    return toUserMessage(user);
  }

  async get(request: userV1.GetUserRequest): Promise<userV1.User> {
    const { id } = parseRequest(userIdSchema, request);
    const user = await this.users.findById(id);
    if (!user) throw userErrors.create('USER_NOT_FOUND', 'user not found');
    return toUserMessage(user);
  }

  async update(request: userV1.UpdateUserRequest): Promise<userV1.User> {
    const { id, name } = parseRequest(updateUserSchema, request);
    if (name === undefined) return this.get({ id });
    const user = await this.users.rename(id, name);
    if (!user) throw userErrors.create('USER_NOT_FOUND', 'user not found');
    return toUserMessage(user);
  }

  /** Newest first; ties on the creation time are broken by id, so pages never overlap. */
  async list(request: userV1.ListUsersRequest): Promise<userV1.ListUsersResponse> {
    const page = parseRequest(listUsersSchema, request);
    const { users, total } = await this.users.page((page.page - 1) * page.limit, page.limit);
    const pagination: commonV1.Pagination = {
      ...page,
      total,
      pages: Math.ceil(total / page.limit),
    };
    return { data: users.map(toUserMessage), pagination };
  }

  /**
   * The account and its UserDeleted event commit together (transactional outbox): the services
   * holding a copy of the user's email and name erase it when the event reaches them.
   */
  async delete(request: userV1.DeleteUserRequest): Promise<void> {
    const { id } = parseRequest(userIdSchema, request);
    if (!(await this.users.delete(id))) throw userErrors.create('USER_NOT_FOUND', 'user not found');
  }
}
