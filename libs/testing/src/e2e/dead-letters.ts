import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { EVENTS } from '@ecommerce/contracts';
import type { KafkaTestBus } from '../kafka/kafka-test-bus';
import { stack, type TestUser } from './api';

/**
 * Breaks notification-service's handlers the way a bad deploy or a broken migration would (a
 * table they read is gone) for as long as `run` runs, so what it consumes meanwhile is
 * dead-lettered. `run` may repair it earlier; it is repaired in any case when `run` ends.
 */
export async function withNotificationsBroken<T>(
  run: (repair: () => Promise<void>) => Promise<T>,
): Promise<T> {
  const db = new Client({
    connectionString: stack.state.apps['notification-service'].env['DATABASE_URL'],
  });
  await db.connect();
  let broken = false;
  const repair = async () => {
    if (!broken) return;
    await db.query('ALTER TABLE erased_users_broken RENAME TO erased_users');
    broken = false;
  };
  try {
    await db.query('ALTER TABLE erased_users RENAME TO erased_users_broken');
    broken = true;
    return await run(repair);
  } finally {
    await repair();
    await db.end();
  }
}

/** Publishes what order-service would: an OrderConfirmed for `user`, which notification-service turns into an email. */
export async function publishOrderConfirmed(
  bus: KafkaTestBus,
  user: TestUser,
): Promise<{ id: string; orderId: string }> {
  const orderId = randomUUID();
  const { id } = await bus.publish(
    EVENTS.OrderConfirmed,
    {
      orderId,
      userId: user.id,
      totalCents: 1_500,
      currency: 'EUR',
      confirmedAt: new Date().toISOString(),
    },
    { key: orderId, source: 'order-service' },
  );
  return { id, orderId };
}
