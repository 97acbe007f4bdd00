import { Injectable } from '@nestjs/common';
import type { commonV1, userV1 } from '@ecommerce/contracts';
import { isRecordNotFound, isUniqueViolation } from '@ecommerce/database';
import { PrismaService } from '../database';
import { Outbox } from '@ecommerce/messaging';
import { parseRequest } from '@ecommerce/validation';
import { PasswordHasher } from './password-hasher';
import { enqueueUserDeleted, enqueueUserRegistered } from './user-events';
import { userErrors } from './users.errors';
import { toUserMessage } from './user.mapper';
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
    private readonly prisma: PrismaService,
    private readonly passwords: PasswordHasher,
    private readonly outbox: Outbox,
  ) {}

  async register(request: userV1.RegisterRequest): Promise<userV1.User> {
    const { email, password, name } = parseRequest(registerSchema, request);
    const passwordHash = await this.passwords.hash(password);
    try {
      // No "is it taken?" query first: two registrations at once would both pass it. The
      // unique index on the citext column decides, case-insensitively, and only once.
      // The account and its UserRegistered event commit together (transactional outbox).
      const user = await this.prisma.$transaction(async (tx) => {
        const created = await tx.user.create({
          data: { email, name, passwordHash, role: 'customer' },
        });
        await enqueueUserRegistered(this.outbox, tx, created);
        return created;
      });
      return toUserMessage(user);
    } catch (error) {
      if (isUniqueViolation(error)) throw userErrors.create('EMAIL_TAKEN', 'this email is already registered');
      throw error;
    }
  }

  async get(request: userV1.GetUserRequest): Promise<userV1.User> {
    const { id } = parseRequest(userIdSchema, request);
    const user = await this.prisma.user.findUnique({ where: { id } });
    if (!user) throw userErrors.create('USER_NOT_FOUND', 'user not found');
    return toUserMessage(user);
  }

  async update(request: userV1.UpdateUserRequest): Promise<userV1.User> {
    const { id, name } = parseRequest(updateUserSchema, request);
    if (name === undefined) return this.get({ id });
    try {
      return toUserMessage(await this.prisma.user.update({ where: { id }, data: { name } }));
    } catch (error) {
      if (isRecordNotFound(error)) throw userErrors.create('USER_NOT_FOUND', 'user not found');
      throw error;
    }
  }

  /** Newest first; ties on the creation time are broken by id, so pages never overlap. */
  async list(request: userV1.ListUsersRequest): Promise<userV1.ListUsersResponse> {
    const page = parseRequest(listUsersSchema, request);
    const [users, total] = await this.prisma.$transaction([
      this.prisma.user.findMany({
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: (page.page - 1) * page.limit,
        take: page.limit,
      }),
      this.prisma.user.count(),
    ]);
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
    const deleted = await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.user.deleteMany({ where: { id } });
      if (count > 0) await enqueueUserDeleted(this.outbox, tx, id, new Date());
      return count > 0;
    });
    if (!deleted) throw userErrors.create('USER_NOT_FOUND', 'user not found');
  }
}
