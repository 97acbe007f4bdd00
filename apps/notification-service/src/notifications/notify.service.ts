import { Injectable, Logger } from '@nestjs/common';
import type { orderEventsV1, userEventsV1 } from '@ecommerce/contracts';
import { PoisonMessageError } from '@ecommerce/messaging';
import type { PrismaTx } from '../database/prisma.service';
import { Mailer } from '../mail/mailer';
import {
  type NotificationContent,
  orderCancelledNotification,
  orderConfirmedNotification,
  welcomeNotification,
} from './notification-content';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Turns events into emails, exactly once per notification key, in the inbox transaction of
 * the event:
 *
 * 1. INSERT the notification ... ON CONFLICT (dedup_key) DO NOTHING. Nothing inserted: it was
 *    handled before (a redelivery, or the same fact in another message): done, no email.
 * 2. Send the email (SMTP). If the server refuses or cannot be reached, throw: the transaction
 *    rolls back with the row, the consumer retries with backoff, and after its last attempt the
 *    event goes to the dead-letter topic, to be replayed once mail works again.
 * 3. Commit (the consumer does): the row and the inbox entry together.
 *
 * The one duplicate this allows: the process dies, or the commit fails, after the SMTP server
 * accepted the email and before the commit. The event is then handled again and the email sent
 * a second time (with the same Message-ID, see mailer.ts). An SMTP server cannot take part in a
 * database transaction, so one side has to go first; sending first means an email is never
 * recorded as sent without having been sent, at the price of this rare duplicate.
 *
 * Recipients: UserRegistered fills a local copy of each user's address (the `recipients`
 * projection). user.events.v1 and order.events.v1 are separate topics, so an order event can
 * be handled before its user's registration (after a restart with both backlogs, say). Its
 * notification is then recorded without a recipient, and the registration sends it. Both
 * handlers lock the user first, so one of them always sees the other's commit: a registration
 * and an order event handled at the same moment cannot each miss the other. A user who never
 * registers (the seeded admin of a database older than UserRegistered) keeps such notifications
 * unsent and unlisted, with a warning in the log: nobody to write to is no reason to hold up or
 * dead-letter the event.
 */
@Injectable()
export class NotifyService {
  private readonly logger = new Logger(NotifyService.name);

  constructor(private readonly mailer: Mailer) {}

  /** UserRegistered: remember where to write to this user, welcome them, send what waited. */
  async userRegistered(tx: PrismaTx, event: userEventsV1.UserRegistered): Promise<void> {
    const problems = [
      ...(UUID_PATTERN.test(event.userId) ? [] : ['user_id must be a UUID']),
      ...(/^[^@\s]+@[^@\s]+$/.test(event.email) && event.email.length <= 320 ? [] : ['email must be an address']),
    ];
    if (problems.length) throw new PoisonMessageError(`UserRegistered: ${problems.join(', ')}`);
    await lockUser(tx, event.userId);
    const registeredAt = Number.isNaN(Date.parse(event.registeredAt)) ? new Date() : new Date(event.registeredAt);
    const data = { email: event.email, name: event.name.slice(0, 100) || event.email, registeredAt };
    const recipient = await tx.recipient.upsert({
      where: { userId: event.userId },
      create: { userId: event.userId, ...data },
      update: data,
    });
    await this.notify(tx, welcomeNotification(recipient), recipient.email);

    const waiting = await tx.notification.findMany({
      where: { userId: recipient.userId, recipient: null },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    for (const notification of waiting) {
      await tx.notification.update({ where: { id: notification.id }, data: { recipient: recipient.email } });
      await this.send(recipient.email, { ...notification, text: notification.body ?? '' });
    }
  }

  async orderConfirmed(tx: PrismaTx, event: orderEventsV1.OrderConfirmed): Promise<void> {
    checkOrderEvent('OrderConfirmed', event);
    await lockUser(tx, event.userId);
    const recipient = await tx.recipient.findUnique({ where: { userId: event.userId } });
    await this.notify(tx, orderConfirmedNotification(recipient?.name, event), recipient?.email);
  }

  async orderCancelled(tx: PrismaTx, event: orderEventsV1.OrderCancelled): Promise<void> {
    checkOrderEvent('OrderCancelled', event);
    await lockUser(tx, event.userId);
    const recipient = await tx.recipient.findUnique({ where: { userId: event.userId } });
    await this.notify(tx, orderCancelledNotification(recipient?.name, event), recipient?.email);
  }

  /** Records the notification once; sends it now when the address is known, else it waits. */
  private async notify(tx: PrismaTx, content: NotificationContent, to: string | undefined): Promise<void> {
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
        },
      ],
      skipDuplicates: true,
    });
    if (count === 0) {
      this.logger.log(`${content.dedupKey} was handled before: not again`);
    } else if (to === undefined) {
      this.logger.warn(`${content.dedupKey}: no address known for user ${content.userId} yet: held until they register`);
    } else {
      await this.send(to, content);
    }
  }

  private async send(to: string, content: { dedupKey: string; subject: string; text: string }): Promise<void> {
    await this.mailer.send({ to, subject: content.subject, text: content.text, key: content.dedupKey });
    this.logger.log(`${content.dedupKey} sent to ${to}`);
  }
}

function checkOrderEvent(type: string, event: { orderId: string; userId: string }): void {
  const problems = [
    ...(UUID_PATTERN.test(event.orderId) ? [] : ['order_id must be a UUID']),
    ...(UUID_PATTERN.test(event.userId) ? [] : ['user_id must be a UUID']),
  ];
  if (problems.length) throw new PoisonMessageError(`${type}: ${problems.join(', ')}`);
}

/**
 * Serialises a user's registration and order events for the rest of the transaction, so the
 * second to come always sees what the first committed (see the class comment).
 */
async function lockUser(tx: PrismaTx, userId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`notification:${userId}`}, 0))`;
}
