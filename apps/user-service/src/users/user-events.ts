import { EVENTS } from '@ecommerce/contracts';
import type { Outbox } from '@ecommerce/messaging';
import type { User } from '../generated/prisma/client';
import type { Tx } from '../database';

/**
 * Announces a new account on user.events.v1, keyed by the user id. Call it in the transaction
 * that creates the user: the event then exists if and only if the account does.
 */
export function enqueueUserRegistered(outbox: Outbox, tx: Tx, user: User): Promise<string> {
  return outbox.enqueueEvent(
    tx,
    EVENTS.UserRegistered,
    {
      userId: user.id,
      email: user.email,
      name: user.name,
      registeredAt: user.createdAt.toISOString(),
    },
    { key: user.id, subject: user.id },
  );
}

/**
 * Announces a deleted account on user.events.v1, keyed by the user id (so it follows the user's
 * UserRegistered on the same partition). Call it in the transaction that deletes the user:
 * services that keep a copy of the user's email and name erase it when it arrives.
 */
export function enqueueUserDeleted(
  outbox: Outbox,
  tx: Tx,
  userId: string,
  deletedAt: Date,
): Promise<string> {
  return outbox.enqueueEvent(
    tx,
    EVENTS.UserDeleted,
    { userId, deletedAt: deletedAt.toISOString() },
    { key: userId, subject: userId },
  );
}
