import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { EVENTS } from '@ecommerce/contracts';
import { RELAY_DEFAULTS } from '@ecommerce/messaging';
import { type BackendName, waitFor } from '@ecommerce/testing';
import {
  type Attempt,
  burst,
  BURST_STOCK,
  expectInvariants,
  newCustomer,
  newProduct,
  placeTheRest,
  ROUND_TIMEOUT_MS,
  stack,
  StockWatch,
  timelineSteps,
} from '@ecommerce/testing/e2e';

/**
 * Invariants of shared/API.md under crashes: a service is SIGKILLed (no shutdown hook runs, its
 * in-flight transactions roll back, its Kafka offsets and outbox batch stay as they were) in the
 * middle of a burst of orders, then started again. Every order must still end CONFIRMED or
 * CANCELLED, with stock = initial − confirmed quantities (never negative on the way), at most
 * one CAPTURED payment per order and none for a cancelled one, and one notification each
 * (`expectInvariants` of @ecommerce/testing/e2e, which says how long a round takes and why).
 */

async function crashRound(name: BackendName): Promise<void> {
  const user = await newCustomer(`crash-${name}`);
  const product = await newProduct(BURST_STOCK);
  const watch = new StockWatch([product.id]);
  try {
    const attempts = await burst(user, product, () => stack.kill(name));
    await stack.start(name);
    await placeTheRest(user, product, attempts);
    await expectInvariants(user, product, attempts, watch);
  } finally {
    await watch.stop();
    // The files after this one need the whole stack, whatever happened here.
    if (!stack.isRunning(name)) await stack.start(name);
  }
}

/** The orders (of `orderIds`) whose ReserveInventory is in order-service's outbox, unpublished. */
async function unpublishedReservations(db: Client, orderIds: string[]): Promise<string[]> {
  const { rows } = await db.query<{ key: string }>(
    'SELECT message_key AS key FROM outbox WHERE published_at IS NULL AND event_type = $1 AND message_key = ANY($2::text[])',
    [EVENTS.ReserveInventory.type, orderIds],
  );
  return rows.map((row) => row.key).sort();
}

describe('crash safety: SIGKILL a saga participant mid-burst, restart it', () => {
  it.each(['inventory-service', 'payment-service'] as const)(
    '%s',
    async (name) => {
      await crashRound(name);
    },
    ROUND_TIMEOUT_MS,
  );

  it(
    'order-service, and again between an order’s commit and the publishing of its first command',
    async () => {
      const user = await newCustomer('crash-order-service');
      const product = await newProduct(BURST_STOCK);
      const watch = new StockWatch([product.id]);
      const db = new Client({
        connectionString: stack.state.apps['order-service'].env['DATABASE_URL'],
      });
      await db.connect();
      try {
        const attempts = await burst(user, product, () => stack.kill('order-service'));

        // A kill right after a 202 would race the relay, which NOTIFY wakes within milliseconds of
        // the commit. To crash surely inside that window, the test takes the relay's advisory
        // lock (the one that elects the single publisher of a service's outbox) while
        // order-service is down, and holds it while it runs again: orders are accepted and
        // committed with their ReserveInventory, and nothing can publish them.
        await waitFor(
          'the dead relay’s advisory lock to be free (held longer: another order-service uses this database)',
          async () =>
            (
              await db.query<{ locked: boolean }>(
                'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
                [RELAY_DEFAULTS.lockName],
              )
            ).rows[0]?.locked === true,
          15_000,
        );
        await stack.start('order-service');
        await placeTheRest(user, product, attempts);
        const window: Attempt[] = Array.from({ length: 3 }, () => ({
          key: randomUUID(),
          method: 'pm_card_visa',
          quantity: 1,
        }));
        const windowOrders = (await placeTheRest(user, product, window)).map((o) => o.id);
        // Committed (202, and each ReserveInventory is in the outbox), not published: the window.
        expect(await unpublishedReservations(db, windowOrders)).toEqual([...windowOrders].sort());
        for (const id of windowOrders)
          expect(await timelineSteps(user, id)).toEqual(['ORDER_CREATED']);

        await stack.kill('order-service');
        await db.query('SELECT pg_advisory_unlock(hashtext($1))', [RELAY_DEFAULTS.lockName]);
        await stack.start('order-service');

        // The restarted relay publishes what the dead process had committed, and the sagas go on.
        await expectInvariants(user, product, [...attempts, ...window], watch);
        expect(await unpublishedReservations(db, windowOrders)).toEqual([]);
      } finally {
        await db.end(); // releases the lock, if a failure left it held
        await watch.stop();
        if (!stack.isRunning('order-service')) await stack.start('order-service');
      }
    },
    2 * ROUND_TIMEOUT_MS,
  );
});
