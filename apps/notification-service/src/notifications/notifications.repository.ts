import { Injectable } from '@nestjs/common';
import type { Paging } from '@ecommerce/validation';
import type { SameType } from '@ecommerce/database';
import { PrismaService, type Tx } from '../database';
import type {
  Notification,
  NotificationType as DbNotificationType,
} from '../generated/prisma/client';
import type { NotificationContent, NotificationType } from './notification-content';

/** What the service knows of a user it writes to: their copy from `UserRegistered`. */
export interface Recipient {
  userId: string;
  email: string;
  name: string;
}

/** How many rows an erasure removed. */
export interface Erased {
  notifications: number;
  recipients: number;
}

// The domain's notification types are the database's enum: a type added to schema.prisma and
// not to notification-content.ts, or the other way round, fails `npm run typecheck` here.
const _typesMatch: SameType<NotificationType, DbNotificationType> = true;

/**
 * The notifications as the consumers record them (`notifications`, `recipients`,
 * `erased_users`), and as a user lists them. The recording methods run in the caller's
 * transaction, the inbox transaction of the event. What the sender does with a notification
 * afterwards is delivery/delivery.repository.ts.
 */
@Injectable()
export class NotificationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** One page of a user's notifications, newest first, and how many they have, in one transaction. */
  async pageOfUser(
    userId: string,
    { page, limit }: Paging,
  ): Promise<{ notifications: Notification[]; total: number }> {
    const where = { userId };
    const [notifications, total] = await this.prisma.$transaction([
      this.prisma.notification.findMany({
        where,
        // Ties on the creation time are broken by id, so pages never overlap.
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: (page - 1) * limit,
        take: limit,
      }),
      this.prisma.notification.count({ where }),
    ]);
    return { notifications, total };
  }

  /**
   * Serialises a user's registration, deletion and order events for the rest of the
   * transaction, so the second to come always sees what the first committed.
   */
  async lockUser(tx: Tx, userId: string): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`notification:${userId}`}, 0))`;
  }

  /** Whether the user was deleted (UserDeleted): then nothing about them is written again. */
  async isErased(tx: Tx, userId: string): Promise<boolean> {
    const erased = await tx.erasedUser.findUnique({ where: { userId } });
    return erased !== null;
  }

  /** Where to write to the user, and their name: created, or replaced by a newer registration. */
  saveRecipient(
    tx: Tx,
    { userId, ...data }: Recipient & { registeredAt: Date },
  ): Promise<Recipient> {
    return tx.recipient.upsert({
      where: { userId },
      create: { userId, ...data },
      update: data,
    });
  }

  findRecipient(tx: Tx, userId: string): Promise<Recipient | null> {
    return tx.recipient.findUnique({ where: { userId } });
  }

  /**
   * Records the notification PENDING, to `to` (without an address it waits for its user's
   * registration), unless its key was recorded before (INSERT ... ON CONFLICT DO NOTHING).
   * True when it was recorded now. `traceparent`: the trace its delivery continues.
   */
  async record(
    tx: Tx,
    content: NotificationContent,
    to: string | undefined,
    traceparent: string | undefined,
  ): Promise<boolean> {
    const { count } = await tx.notification.createMany({
      data: [
        {
          userId: content.userId,
          type: content.type,
          channel: 'email',
          recipient: to ?? null,
          subject: content.subject,
          body: content.text,
          orderId: content.orderId ?? null,
          dedupKey: content.dedupKey,
          traceparent: traceparent ?? null,
        },
      ],
      skipDuplicates: true,
    });
    return count > 0;
  }

  /** Gives the user's notifications that waited for an address this one, due now; how many. */
  async releaseWaiting(tx: Tx, recipient: Recipient): Promise<number> {
    const { count } = await tx.notification.updateMany({
      where: { userId: recipient.userId, recipient: null },
      data: { recipient: recipient.email, nextAttemptAt: new Date() },
    });
    return count;
  }

  /** Erases the user's notifications and address, and remembers that the user is erased. */
  async erase(tx: Tx, userId: string): Promise<Erased> {
    const notifications = await tx.notification.deleteMany({ where: { userId } });
    const recipients = await tx.recipient.deleteMany({ where: { userId } });
    await tx.erasedUser.createMany({ data: [{ userId }], skipDuplicates: true });
    return { notifications: notifications.count, recipients: recipients.count };
  }
}
