import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database';
import type { NotificationType } from '../generated/prisma/client';

/** A notification a sender has claimed: everything it needs to send it and record the outcome. */
export interface ClaimedNotification {
  id: string;
  type: NotificationType;
  recipient: string;
  subject: string;
  body: string | null;
  dedupKey: string;
  /** Attempts so far, this one included. */
  attempts: number;
  firstAttemptAt: Date;
  /** The trace of the event that recorded it; null for rows recorded before it was kept. */
  traceparent: string | null;
}

/** What is waiting: PENDING and FAILED counts, and the age of the oldest PENDING. */
export interface DeliveryBacklog {
  pending: number;
  failed: number;
  oldestPendingAt: Date | null;
}

/**
 * All of the sender's SQL. A notification is claimed, sent, then marked in separate short
 * statements, never in one transaction held open across the SMTP conversation: a slow mail
 * server then ties up no database connection, and no row lock outlives a statement.
 */
@Injectable()
export class DeliveryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Claims up to `limit` notifications due at `now`: one statement counts the attempt, starts
   * the horizon's clock on the first one, and moves `next_attempt_at` one lease ahead. Rows
   * another sender is claiming at this moment are skipped (FOR UPDATE SKIP LOCKED), and a
   * claimed row is not due again until its lease ends: two instances never send one
   * notification at once. A sender that dies mid-send leaves its rows to be claimed again when
   * the lease ends.
   */
  claimDue(limit: number, now: Date, leaseMs: number): Promise<ClaimedNotification[]> {
    const leaseEnd = new Date(now.getTime() + leaseMs);
    return this.prisma.$queryRaw<ClaimedNotification[]>`
      UPDATE notifications AS n
      SET attempts = n.attempts + 1,
          first_attempt_at = COALESCE(n.first_attempt_at, ${now}),
          next_attempt_at = ${leaseEnd}
      FROM (
        SELECT id FROM notifications
        WHERE status = 'PENDING' AND next_attempt_at <= ${now} AND recipient IS NOT NULL
        ORDER BY next_attempt_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      ) AS due
      WHERE n.id = due.id
      RETURNING n.id, n.type::text AS type, n.recipient, n.subject, n.body, n.dedup_key AS "dedupKey",
                n.attempts, n.first_attempt_at AS "firstAttemptAt", n.traceparent`;
  }

  /** The mail server took it. Whichever attempt got there, SENT is final. */
  async markSent(id: string, messageId: string, at: Date): Promise<void> {
    await this.prisma.notification.updateMany({
      where: { id, status: 'PENDING' },
      data: { status: 'SENT', sentAt: at, messageId, lastError: null },
    });
  }

  /**
   * Due again at `retryAt`. Only while the row is still this attempt's (`attempts` unchanged),
   * so a late answer never moves a newer claim's lease.
   */
  async retryLater(
    notification: ClaimedNotification,
    retryAt: Date,
    reason: string,
  ): Promise<void> {
    await this.prisma.notification.updateMany({
      where: { id: notification.id, status: 'PENDING', attempts: notification.attempts },
      data: { nextAttemptAt: retryAt, lastError: reason },
    });
  }

  async markFailed(notification: ClaimedNotification, reason: string): Promise<void> {
    await this.prisma.notification.updateMany({
      where: { id: notification.id, status: 'PENDING', attempts: notification.attempts },
      data: { status: 'FAILED', lastError: reason },
    });
  }

  async backlog(): Promise<DeliveryBacklog> {
    const rows = await this.prisma.$queryRaw<
      Array<{ status: string; count: number; oldest: Date | null }>
    >`
      SELECT status::text AS status, count(*)::int AS count, min(created_at) AS oldest
      FROM notifications WHERE status <> 'SENT' GROUP BY status`;
    const pending = rows.find((row) => row.status === 'PENDING');
    return {
      pending: pending?.count ?? 0,
      failed: rows.find((row) => row.status === 'FAILED')?.count ?? 0,
      oldestPendingAt: pending?.oldest ?? null,
    };
  }
}
