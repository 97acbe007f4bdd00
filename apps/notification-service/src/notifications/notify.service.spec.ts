import { Logger } from '@nestjs/common';
import { orderV1 } from '@ecommerce/contracts';
import { isPoisonMessageError, withAfterCommit } from '@ecommerce/messaging';
import type { Tx } from '../database';
import type { MailSender } from '../delivery/mail-sender';
import type { NotificationContent } from './notification-content';
import type { NotificationsRepository, Recipient } from './notifications.repository';
import { NotifyService } from './notify.service';

const userId = '6f1c2a4e-8a7d-4a8e-9d61-1f0a3b2c4d5e';
const orderId = '22222222-2222-4222-8222-222222222222';

/** The service's tables in memory, behind the repository's methods; `calls` in the order made. */
class FakeRepository {
  readonly recipients = new Map<string, Recipient>();
  readonly erased = new Set<string>();
  readonly notifications = new Map<string, NotificationContent & { to: string | null }>();
  readonly calls: string[] = [];

  async lockUser(_tx: Tx, id: string) {
    this.calls.push(`lock ${id}`);
  }
  async isErased(_tx: Tx, id: string) {
    this.calls.push('isErased');
    return this.erased.has(id);
  }
  async saveRecipient(_tx: Tx, recipient: Recipient & { registeredAt: Date }) {
    this.calls.push('saveRecipient');
    this.recipients.set(recipient.userId, recipient);
    return recipient;
  }
  async findRecipient(_tx: Tx, id: string) {
    this.calls.push('findRecipient');
    return this.recipients.get(id) ?? null;
  }
  async record(_tx: Tx, content: NotificationContent, to: string | undefined) {
    this.calls.push(`record ${content.dedupKey}`);
    if (this.notifications.has(content.dedupKey)) return false;
    this.notifications.set(content.dedupKey, { ...content, to: to ?? null });
    return true;
  }
  async releaseWaiting(_tx: Tx, recipient: Recipient) {
    this.calls.push('releaseWaiting');
    const waiting = [...this.notifications.values()].filter(
      (n) => n.userId === recipient.userId && n.to === null,
    );
    for (const notification of waiting) notification.to = recipient.email;
    return waiting.length;
  }
  async erase(_tx: Tx, id: string) {
    this.calls.push('erase');
    const mine = [...this.notifications.entries()].filter(([, n]) => n.userId === id);
    for (const [key] of mine) this.notifications.delete(key);
    const recipients = this.recipients.delete(id) ? 1 : 0;
    this.erased.add(id);
    return { notifications: mine.length, recipients };
  }
}

function setUp() {
  const repository = new FakeRepository();
  const wake = jest.fn();
  const notify = new NotifyService(
    repository as unknown as NotificationsRepository,
    { wake } as unknown as MailSender,
  );
  // Commits at once: what the consumer's inbox transaction does, afterCommit callbacks included.
  const db = withAfterCommit<Tx>({ $transaction: (fn) => fn({} as Tx) });
  const inTransaction = (fn: (tx: Tx) => Promise<void>) => db.$transaction(fn);
  return { repository, wake, notify, inTransaction };
}

const registered = (overrides: Partial<{ email: string; name: string }> = {}) => ({
  userId,
  email: 'ada@example.com',
  name: 'Ada',
  registeredAt: '2026-01-02T03:04:05.000Z',
  ...overrides,
});
const confirmed = { orderId, userId, totalCents: 4990, currency: 'EUR', confirmedAt: '' };

describe('NotifyService, on a fake repository', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('welcomes a new user: address kept, WELCOME recorded to it, the sender woken after commit', async () => {
    const { repository, wake, notify, inTransaction } = setUp();
    await inTransaction(async (tx) => {
      await notify.userRegistered(tx, registered());
      expect(wake).not.toHaveBeenCalled();
    });

    expect(wake).toHaveBeenCalledTimes(1);
    expect(repository.recipients.get(userId)).toEqual({
      userId,
      email: 'ada@example.com',
      name: 'Ada',
      registeredAt: new Date('2026-01-02T03:04:05.000Z'),
    });
    expect(repository.notifications.get(`WELCOME:${userId}`)).toMatchObject({
      type: 'WELCOME',
      to: 'ada@example.com',
    });
    // The user is locked before anything about them is read or written.
    expect(repository.calls.slice(0, 2)).toEqual([`lock ${userId}`, 'isErased']);
  });

  it('names a user without a name by their address, and clips a long name to 100 characters', async () => {
    const { repository, notify, inTransaction } = setUp();
    await inTransaction((tx) => notify.userRegistered(tx, registered({ name: '' })));
    expect(repository.recipients.get(userId)?.name).toBe('ada@example.com');
    await inTransaction((tx) => notify.userRegistered(tx, registered({ name: 'x'.repeat(150) })));
    expect(repository.recipients.get(userId)?.name).toHaveLength(100);
  });

  it('holds an order email for an unknown user without waking the sender; the registration releases it', async () => {
    const { repository, wake, notify, inTransaction } = setUp();
    await inTransaction((tx) => notify.orderConfirmed(tx, confirmed));
    expect(repository.notifications.get(`ORDER_CONFIRMED:${orderId}`)).toMatchObject({
      to: null,
    });
    expect(wake).not.toHaveBeenCalled();

    await inTransaction((tx) => notify.userRegistered(tx, registered()));
    expect(repository.notifications.get(`ORDER_CONFIRMED:${orderId}`)).toMatchObject({
      to: 'ada@example.com',
    });
    // Once for the welcome, once for what was released.
    expect(wake).toHaveBeenCalledTimes(2);
  });

  it('records a notification once: the same event again records and wakes nothing', async () => {
    const { repository, wake, notify, inTransaction } = setUp();
    await inTransaction((tx) => notify.userRegistered(tx, registered()));
    const cancelled = { ...confirmed, reason: orderV1.CancellationReason.TIMEOUT, cancelledAt: '' };
    await inTransaction((tx) => notify.orderCancelled(tx, cancelled));
    await inTransaction((tx) => notify.orderCancelled(tx, cancelled));

    expect([...repository.notifications.keys()]).toEqual([
      `WELCOME:${userId}`,
      `ORDER_CANCELLED:${orderId}`,
    ]);
    expect(wake).toHaveBeenCalledTimes(2);
  });

  it('erases a deleted user and then records nothing more about them', async () => {
    const { repository, wake, notify, inTransaction } = setUp();
    await inTransaction((tx) => notify.userRegistered(tx, registered()));
    await inTransaction((tx) => notify.userDeleted(tx, { userId, deletedAt: '' }));
    expect(repository.recipients.size).toBe(0);
    expect(repository.notifications.size).toBe(0);

    wake.mockClear();
    repository.calls.length = 0;
    await inTransaction((tx) => notify.orderConfirmed(tx, confirmed));
    await inTransaction((tx) => notify.userRegistered(tx, registered()));
    expect(repository.notifications.size).toBe(0);
    expect(repository.recipients.size).toBe(0);
    expect(wake).not.toHaveBeenCalled();
    expect(repository.calls).toEqual([`lock ${userId}`, 'isErased', `lock ${userId}`, 'isErased']);
  });

  it('dead-letters events it can never handle, before touching the database', async () => {
    const { repository, notify, inTransaction } = setUp();
    const poison = [
      inTransaction((tx) => notify.userRegistered(tx, registered({ email: 'not an address' }))),
      inTransaction((tx) => notify.orderConfirmed(tx, { ...confirmed, orderId: '42' })),
      inTransaction((tx) => notify.userDeleted(tx, { userId: 'nobody', deletedAt: '' })),
    ];
    for (const outcome of await Promise.allSettled(poison)) {
      expect(outcome.status).toBe('rejected');
      expect(isPoisonMessageError((outcome as PromiseRejectedResult).reason)).toBe(true);
    }
    expect(repository.calls).toEqual([]);
  });
});
