import { Injectable } from '@nestjs/common';
import { isRecordNotFound, isUniqueViolation, type SameType } from '@ecommerce/database';
import { Outbox } from '@ecommerce/messaging';
import { PrismaService } from '../database';
import type { Role } from '../generated/prisma/client';
import type { NewUser, User, UserCredentials, UserRole } from './user';
import { userDeleted, userRegistered } from './user-events';

// A role added to schema.prisma (or to user.ts) alone fails `npm run typecheck` here.
const _rolesMatch: SameType<Role, UserRole> = true;

/**
 * The `users` table, and the account events in the outbox: an account and its event commit in
 * one transaction (transactional outbox).
 */
@Injectable()
export class UsersRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Creates the account with its UserRegistered, in one transaction. Undefined when the email
   * is taken: there is no "is it taken?" query first (two registrations at once would both pass
   * it); the unique index on the citext column decides, case-insensitively, and only once.
   */
  async register(user: NewUser): Promise<User | undefined> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const created = await tx.user.create({
          data: {
            email: user.email,
            name: user.name,
            passwordHash: user.passwordHash,
            role: user.role,
          },
        });
        await this.outbox.enqueue(tx, userRegistered(created));
        return created;
      });
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  /**
   * Creates the account with its UserRegistered unless one has its email, in one transaction,
   * with `INSERT ... ON CONFLICT DO NOTHING`: callers racing each other (instances starting
   * together) create one account, and none of them fails. Undefined when it existed.
   */
  registerIfAbsent(user: NewUser): Promise<User | undefined> {
    return this.prisma.$transaction(async (tx) => {
      const [created] = await tx.user.createManyAndReturn({
        data: [
          { email: user.email, name: user.name, passwordHash: user.passwordHash, role: user.role },
        ],
        skipDuplicates: true,
      });
      if (created) await this.outbox.enqueue(tx, userRegistered(created));
      return created;
    });
  }

  findById(id: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { id } });
  }

  /** The account with this email (in any case), with its password hash: for a login. */
  findCredentials(email: string): Promise<UserCredentials | null> {
    return this.prisma.user.findUnique({ where: { email } });
  }

  /** The role of the account with this email (in any case), if there is one. */
  async findRoleByEmail(email: string): Promise<UserRole | undefined> {
    const user = await this.prisma.user.findUnique({ where: { email }, select: { role: true } });
    return user?.role;
  }

  /** Undefined when there is no such account. */
  async rename(id: string, name: string): Promise<User | undefined> {
    try {
      return await this.prisma.user.update({ where: { id }, data: { name } });
    } catch (error) {
      if (isRecordNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * One page, newest first (ties on the creation time broken by id, so pages never overlap),
   * and the number of accounts: two statements in one transaction, so they agree.
   */
  async page(skip: number, take: number): Promise<{ users: User[]; total: number }> {
    const [users, total] = await this.prisma.$transaction([
      this.prisma.user.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip, take }),
      this.prisma.user.count(),
    ]);
    return { users, total };
  }

  /**
   * Deletes the account with its UserDeleted, in one transaction; false when there was no such
   * account (and no event).
   */
  delete(id: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.user.deleteMany({ where: { id } });
      if (count > 0) await this.outbox.enqueue(tx, userDeleted(id, new Date()));
      return count > 0;
    });
  }
}
