import { Injectable, Logger } from '@nestjs/common';
import type { orderEventsV1, userEventsV1 } from '@ecommerce/contracts';
import { activeTraceparent, afterCommit, PoisonMessageError } from '@ecommerce/messaging';
import { isUuid } from '@ecommerce/validation';
import type { Tx } from '../database';
import { MailSender } from '../delivery/mail-sender';
import {
  type NotificationContent,
  orderCancelledNotification,
  orderConfirmedNotification,
  welcomeNotification,
} from './notification-content';
import { NotificationsRepository } from './notifications.repository';

/**
 * Turns events into notifications, exactly once per notification key, in the inbox transaction
 * of the event, and never talks to the mail server there: it records, the sender
 * (delivery/mail-sender.ts) delivers. A mail server that is down therefore delays email but
 * never fails, retries or dead-letters an event; only an event that cannot be handled at all
 * (undecodable, invalid) goes to the dead-letter topic.
 *
 * Recording is INSERT ... ON CONFLICT (dedup_key) DO NOTHING: the same fact delivered again (a
 * redelivery, or another message saying it) finds its row and records nothing. A new PENDING
 * notification wakes the sender once the transaction commits.
 *
 * Recipients: UserRegistered fills a local copy of each user's address (the `recipients`
 * projection). user.events.v1 and order.events.v1 are separate topics, so an order event can
 * be handled before its user's registration (after a restart with both backlogs, say). Its
 * notification is then recorded without a recipient, which the sender skips, and the
 * registration gives it one. Both handlers lock the user first, so one of them always sees the
 * other's commit.
 *
 * UserDeleted erases the address, the name and every notification of the user (their subjects
 * and bodies carry both), pending ones included, and remembers the user id (`erased_users`) so
 * that an event arriving later writes none of it again. No email address is ever logged.
 */
@Injectable()
export class NotifyService {
  private readonly logger = new Logger(NotifyService.name);

  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly sender: MailSender,
  ) {}

  /** UserRegistered: remember where to write to this user, welcome them, release what waited. */
  async userRegistered(tx: Tx, event: userEventsV1.UserRegistered): Promise<void> {
    const problems = [
      ...(isUuid(event.userId) ? [] : ['user_id must be a UUID']),
      ...(/^[^@\s]+@[^@\s]+$/.test(event.email) && event.email.length <= 320
        ? []
        : ['email must be an address']),
    ];
    if (problems.length) throw new PoisonMessageError(`UserRegistered: ${problems.join(', ')}`);
    if (await this.lockLiveUser(tx, event.userId, 'UserRegistered')) return;
    const registeredAt = Number.isNaN(Date.parse(event.registeredAt))
      ? new Date()
      : new Date(event.registeredAt);
    const recipient = await this.notifications.saveRecipient(tx, {
      userId: event.userId,
      email: event.email,
      name: event.name.slice(0, 100) || event.email,
      registeredAt,
    });
    await this.record(tx, welcomeNotification(recipient), recipient.email);
    const count = await this.notifications.releaseWaiting(tx, recipient);
    if (count > 0) {
      this.logger.log(
        `user ${recipient.userId} registered: ${count} notification(s) that waited for it released`,
      );
      this.wakeSenderAfterCommit(tx);
    }
  }

  async orderConfirmed(tx: Tx, event: orderEventsV1.OrderConfirmed): Promise<void> {
    checkOrderEvent('OrderConfirmed', event);
    if (await this.lockLiveUser(tx, event.userId, `OrderConfirmed of order ${event.orderId}`))
      return;
    const recipient = await this.notifications.findRecipient(tx, event.userId);
    await this.record(tx, orderConfirmedNotification(recipient?.name, event), recipient?.email);
  }

  async orderCancelled(tx: Tx, event: orderEventsV1.OrderCancelled): Promise<void> {
    checkOrderEvent('OrderCancelled', event);
    if (await this.lockLiveUser(tx, event.userId, `OrderCancelled of order ${event.orderId}`))
      return;
    const recipient = await this.notifications.findRecipient(tx, event.userId);
    await this.record(tx, orderCancelledNotification(recipient?.name, event), recipient?.email);
  }

  /** UserDeleted: erase the user's address, name and notifications, and keep them erased. */
  async userDeleted(tx: Tx, event: userEventsV1.UserDeleted): Promise<void> {
    if (!isUuid(event.userId)) throw new PoisonMessageError('UserDeleted: user_id must be a UUID');
    await this.notifications.lockUser(tx, event.userId);
    const erased = await this.notifications.erase(tx, event.userId);
    this.logger.log(
      `user ${event.userId} deleted: address ${erased.recipients ? 'erased' : 'not known'}, ${erased.notifications} notification(s) erased`,
    );
  }

  /** Records the notification once, PENDING; without an address it waits for its user's registration. */
  private async record(
    tx: Tx,
    content: NotificationContent,
    to: string | undefined,
  ): Promise<void> {
    // The event's trace (its handler's span): the email, sent later, continues it.
    const recorded = await this.notifications.record(tx, content, to, activeTraceparent());
    if (!recorded) {
      this.logger.log(`${content.dedupKey} was recorded before: not again`);
    } else if (to === undefined) {
      this.logger.warn(
        `${content.dedupKey}: no address known for user ${content.userId} yet: held until they register`,
      );
    } else {
      this.logger.log(`${content.dedupKey} recorded: PENDING`);
      this.wakeSenderAfterCommit(tx);
    }
  }

  /**
   * Locks the user for the rest of the transaction; true (and logged) when the user was deleted,
   * so the event must write nothing about them.
   */
  private async lockLiveUser(tx: Tx, userId: string, what: string): Promise<boolean> {
    await this.notifications.lockUser(tx, userId);
    const erased = await this.notifications.isErased(tx, userId);
    if (erased) this.logger.log(`${what}: user ${userId} was deleted: nothing recorded`);
    return erased;
  }

  private wakeSenderAfterCommit(tx: Tx): void {
    afterCommit(tx, () => this.sender.wake());
  }
}

function checkOrderEvent(type: string, event: { orderId: string; userId: string }): void {
  const problems = [
    ...(isUuid(event.orderId) ? [] : ['order_id must be a UUID']),
    ...(isUuid(event.userId) ? [] : ['user_id must be a UUID']),
  ];
  if (problems.length) throw new PoisonMessageError(`${type}: ${problems.join(', ')}`);
}
