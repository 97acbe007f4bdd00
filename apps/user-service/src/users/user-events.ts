import { EVENTS } from '@ecommerce/contracts';
import { eventMessage, type OutboxMessage } from '@ecommerce/messaging';
import type { User } from './user';

/**
 * UserRegistered for a new account on user.events.v1, keyed by the user id. Written in the
 * transaction that creates the user (users.repository.ts): the event exists if and only if the
 * account does.
 */
export function userRegistered(user: User): OutboxMessage {
  return eventMessage(
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
 * UserDeleted on user.events.v1, keyed by the user id (so it follows the user's UserRegistered
 * on the same partition). Written in the transaction that deletes the user: services that keep a
 * copy of the user's email and name erase it when it arrives.
 */
export function userDeleted(userId: string, deletedAt: Date): OutboxMessage {
  return eventMessage(
    EVENTS.UserDeleted,
    { userId, deletedAt: deletedAt.toISOString() },
    { key: userId, subject: userId },
  );
}
