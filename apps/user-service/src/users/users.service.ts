import { Injectable } from '@nestjs/common';
import type { commonV1, userV1 } from '@ecommerce/contracts';
import { isRecordNotFound, isUniqueViolation } from '@ecommerce/database';
import { PrismaService } from '../database';
import { Outbox } from '@ecommerce/messaging';
import { PasswordHasher } from './password-hasher';
import { enqueueUserDeleted, enqueueUserRegistered } from './user-events';
import { userErrors } from './users.errors';
import { toUserMessage } from './user.mapper';
import {
  emailProblem,
  fieldErrors,
  idProblem,
  nameProblem,
  normaliseEmail,
  parsePage,
  passwordProblem,
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
    const email = normaliseEmail(request.email);
    const name = request.name.trim();
    const problems = fieldErrors({
      email: emailProblem(email),
      password: passwordProblem(request.password),
      name: nameProblem(name),
    });
    if (problems.length) throw userErrors.validationFailed(problems);

    const passwordHash = await this.passwords.hash(request.password);
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
      if (isUniqueViolation(error)) throw userErrors.emailTaken();
      throw error;
    }
  }

  async get(id: string): Promise<userV1.User> {
    this.checkId(id);
    const user = await this.prisma.user.findUnique({ where: { id } });
    if (!user) throw userErrors.userNotFound();
    return toUserMessage(user);
  }

  async update(request: userV1.UpdateUserRequest): Promise<userV1.User> {
    this.checkId(request.id);
    if (request.name === undefined) return this.get(request.id);
    const name = request.name.trim();
    const problems = fieldErrors({ name: nameProblem(name) });
    if (problems.length) throw userErrors.validationFailed(problems);
    try {
      return toUserMessage(
        await this.prisma.user.update({ where: { id: request.id }, data: { name } }),
      );
    } catch (error) {
      if (isRecordNotFound(error)) throw userErrors.userNotFound();
      throw error;
    }
  }

  /** Newest first; ties on the creation time are broken by id, so pages never overlap. */
  async list(request: userV1.ListUsersRequest): Promise<userV1.ListUsersResponse> {
    const { page, problems } = parsePage(request);
    if (problems.length) throw userErrors.validationFailed(problems);
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
  async delete(id: string): Promise<void> {
    this.checkId(id);
    const deleted = await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.user.deleteMany({ where: { id } });
      if (count > 0) await enqueueUserDeleted(this.outbox, tx, id, new Date());
      return count > 0;
    });
    if (!deleted) throw userErrors.userNotFound();
  }

  private checkId(id: string): void {
    const problems = fieldErrors({ id: idProblem(id) });
    if (problems.length) throw userErrors.validationFailed(problems);
  }
}
