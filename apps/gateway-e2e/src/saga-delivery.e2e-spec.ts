import { randomUUID } from 'node:crypto';
import { EVENTS, type EventDefinition, deadLetterTopic, TOPICS } from '@ecommerce/contracts';
import type { ConsumedMessage } from '@ecommerce/kafka';
import {
  CONSUMER_GROUPS,
  KafkaTestBus,
  type Published,
  SAGA_TOPICS,
  type TopicCollector,
  waitFor,
} from '@ecommerce/testing';
import {
  api,
  available,
  getPayment,
  mailTo,
  newCustomer,
  newProduct,
  notificationsFor,
  notificationsOf,
  placeOrder,
  stack,
  timelineSteps,
  waitForNotifications,
  waitForOrder,
  waitForTerminal,
} from '@ecommerce/testing/e2e';

/**
 * Kafka delivers at least once; the platform promises an effect exactly once (docs/saga.md,
 * libs/messaging). These tests act on the real topics of the running stack, as a broker, a
 * relay or a rebalance would: every message delivered a second time, and messages that can
 * never be handled.
 */

const repeat = (value: string, times: number) => Array.from({ length: times }, () => value);
const typeOf = (message: ConsumedMessage) =>
  (message.headers['ce_type'] ?? '').replace(/^.*\./, '');

let bus: KafkaTestBus;

beforeAll(async () => {
  bus = await KafkaTestBus.connect(
    'saga-e2e',
    stack.state.apps['order-service'].env['KAFKA_BROKERS'],
  );
});

afterAll(async () => {
  await bus?.close();
});

/** Resolves once no new message has arrived on any of `collectors` for `quietMs`. */
async function quiet(collectors: TopicCollector[], quietMs = 1_500): Promise<void> {
  let last = -1;
  let since = Date.now();
  await waitFor(
    'the saga topics to go quiet',
    async () => {
      const total = collectors.reduce((sum, c) => sum + c.messages.length, 0);
      if (total !== last) {
        last = total;
        since = Date.now();
      }
      return Date.now() - since >= quietMs;
    },
    60_000,
    100,
  );
}

describe('duplicate delivery: every saga message delivered twice has its effect once', () => {
  it('re-publishing every message of some finished orders (same ce_id, key, value, headers) changes nothing', async () => {
    const customer = await newCustomer('redelivery');
    const product = await newProduct(10);
    const scarce = await newProduct(1);

    // One order of each ending, a refund included.
    const confirmed = await placeOrder(
      customer,
      [{ productId: product.id, quantity: 2 }],
      'pm_card_visa',
    );
    const declined = await placeOrder(
      customer,
      [{ productId: product.id, quantity: 1 }],
      'pm_card_chargeDeclined',
    );
    const outOfStock = await placeOrder(
      customer,
      [{ productId: scarce.id, quantity: 2 }],
      'pm_card_visa',
    );
    const refunded = await placeOrder(
      customer,
      [{ productId: product.id, quantity: 3 }],
      'pm_card_visa',
    );
    const orderIds = [confirmed.id, declined.id, outOfStock.id, refunded.id];

    await Promise.all(orderIds.map((id) => waitForTerminal(customer, id)));
    expect((await waitForTerminal(customer, refunded.id)).status).toBe('CONFIRMED');
    await api().post(`/api/v1/orders/${refunded.id}/cancel`).set(customer.auth).expect(202);
    await waitForOrder(customer, refunded.id, (o) => o.status === 'CANCELLED', 'CANCELLED');
    // Everything the sagas send after their terminal status: the committed reservations, the
    // four notifications and the welcome.
    for (const id of [confirmed.id, refunded.id]) {
      await waitForOrder(
        customer,
        id,
        async () => (await timelineSteps(customer, id)).includes('INVENTORY_COMMITTED'),
        'INVENTORY_COMMITTED',
      );
    }
    await waitForNotifications(
      customer,
      (all) => all.length === 6,
      'WELCOME + 5 order notifications',
    );

    // Every message of these orders (and of this customer, for UserRegistered), from the start
    // of each topic: what docs/saga.md says these four sagas send, once each.
    const keys = new Set([...orderIds, customer.id]);
    const collectors = await Promise.all(
      SAGA_TOPICS.map((topic) => bus.collect(topic, (m) => keys.has(m.key ?? ''))),
    );
    const expected: Record<string, string[]> = {
      [TOPICS.inventoryCommands]: [
        'CommitReservation',
        'CommitReservation',
        'ReleaseInventory',
        'ReleaseInventory',
        ...repeat('ReserveInventory', 4),
      ],
      [TOPICS.inventoryEvents]: [
        'InventoryCommitted',
        'InventoryCommitted',
        'InventoryRejected',
        'InventoryReleased',
        'InventoryReleased',
        ...repeat('InventoryReserved', 3),
      ],
      [TOPICS.paymentCommands]: [...repeat('CapturePayment', 3), 'RefundPayment'],
      [TOPICS.paymentEvents]: [
        'PaymentCaptured',
        'PaymentCaptured',
        'PaymentDeclined',
        'PaymentRefunded',
      ],
      // OrderCreated, if order-service announces it, is no concern of this test.
      [TOPICS.orderEvents]: [...repeat('OrderCancelled', 3), 'OrderConfirmed', 'OrderConfirmed'],
      [TOPICS.userEvents]: ['UserRegistered'],
    };
    const sagaTypes = (c: TopicCollector) =>
      c.messages.map(typeOf).filter((t) => t !== 'OrderCreated');
    for (const c of collectors) {
      await waitFor(
        `the sagas' messages on ${c.topic}`,
        async () => sagaTypes(c).length >= (expected[c.topic]?.length ?? 0),
        30_000,
        100,
      );
    }
    await quiet(collectors);
    for (const c of collectors)
      expect({ topic: c.topic, types: sagaTypes(c).sort() }).toEqual({
        topic: c.topic,
        types: [...(expected[c.topic] ?? [])].sort(),
      });
    const originals = new Map(collectors.map((c) => [c.topic, [...c.messages]]));

    const before = {
      stock: [await available(product.id), await available(scarce.id)],
      payments: await Promise.all(orderIds.map((id) => getPayment(customer, id))),
      timelines: await Promise.all(orderIds.map((id) => timelineSteps(customer, id))),
      notifications: (await notificationsOf(customer)).map((n) => n.id).sort(),
      mail: (await mailTo(customer.email)).length,
    };
    expect(before.stock).toEqual([10 - 2, 1]); // the declined and the refunded order gave theirs back

    const republished: Published[] = [];
    for (const [topic, messages] of originals) {
      for (const m of messages) {
        republished.push(
          await bus.publishRaw(topic, {
            key: m.key ?? '',
            value: m.value ?? Buffer.alloc(0),
            headers: { ...m.headers },
          }),
        );
      }
    }
    for (const copy of republished) {
      for (const group of CONSUMER_GROUPS[copy.topic] ?? [])
        await bus.waitUntilConsumed(group, copy, 30_000);
    }
    // A consumer that handled a copy would have replied through its outbox: give such replies time to show.
    await quiet(collectors);

    for (const c of collectors) {
      const original = originals.get(c.topic) ?? [];
      // Each message once more, and nothing else: no reply to any copy.
      expect({ topic: c.topic, count: c.messages.length }).toEqual({
        topic: c.topic,
        count: 2 * original.length,
      });
    }
    expect({
      stock: [await available(product.id), await available(scarce.id)],
      payments: await Promise.all(orderIds.map((id) => getPayment(customer, id))),
      timelines: await Promise.all(orderIds.map((id) => timelineSteps(customer, id))),
      notifications: (await notificationsOf(customer)).map((n) => n.id).sort(),
      mail: (await mailTo(customer.email)).length,
    }).toEqual(before);
  });
});

describe('poison messages: dead-lettered, and the partition moves on', () => {
  /** A handled type per topic, with a payload that does not decode as it (a length past the end). */
  const POISON: [string, EventDefinition<unknown>][] = [
    [TOPICS.inventoryCommands, EVENTS.ReserveInventory],
    [TOPICS.inventoryEvents, EVENTS.InventoryReserved],
    [TOPICS.paymentCommands, EVENTS.CapturePayment],
    [TOPICS.paymentEvents, EVENTS.PaymentCaptured],
    [TOPICS.orderEvents, EVENTS.OrderConfirmed],
    [TOPICS.userEvents, EVENTS.UserRegistered],
  ] as [string, EventDefinition<unknown>][];
  const UNDECODABLE = Buffer.from([0x0a, 0x05, 0x61]);

  it('an undecodable message on each consumed topic lands in <topic>.dlt with its origin and error; an order placed after it completes', async () => {
    const poisoned: Published[] = [];
    // One per partition, so whatever partition the next order's messages take, a poison message is ahead of them.
    for (const [topic, event] of POISON) {
      for (const [partition, key] of await bus.keyPerPartition(topic)) {
        const sent = await bus.publishRaw(topic, {
          key,
          value: UNDECODABLE,
          headers: {
            ce_id: randomUUID(),
            ce_type: event.type,
            ce_source: 'saga-e2e',
            ce_time: new Date().toISOString(),
            ce_specversion: '1.0',
          },
        });
        expect(sent.partition).toBe(partition);
        poisoned.push(sent);
      }
    }
    const ids = new Set(poisoned.map((p) => p.id));
    const letters = await Promise.all(
      POISON.map(([topic]) =>
        bus.collect(deadLetterTopic(topic), (m) => ids.has(m.headers['ce_id'] ?? '')),
      ),
    );

    for (const sent of poisoned) {
      const dlt = letters.find((c) => c.topic === deadLetterTopic(sent.topic)) as TopicCollector;
      const [letter] = await dlt.waitFor(1, (m) => m.headers['ce_id'] === sent.id, 30_000);
      expect(letter?.headers).toMatchObject({
        dlt_original_topic: sent.topic,
        dlt_original_partition: String(sent.partition),
        dlt_original_offset: sent.offset,
        dlt_error: expect.stringMatching(/.+/),
        dlt_consumer: expect.any(String),
      });
      expect(letter?.value).toEqual(UNDECODABLE);
    }

    // Registered after the poison on user.events.v1, ordered after the poison on the other five.
    const customer = await newCustomer('after-poison');
    const product = await newProduct(5);
    const placed = await placeOrder(
      customer,
      [{ productId: product.id, quantity: 1 }],
      'pm_card_visa',
    );
    expect((await waitForTerminal(customer, placed.id)).status).toBe('CONFIRMED');
    const notifications = await waitForNotifications(
      customer,
      (all) => all.some((n) => n.type === 'WELCOME') && notificationsFor(all, placed.id).length > 0,
      'WELCOME and ORDER_CONFIRMED after the poison',
    );
    expect(notificationsFor(notifications, placed.id).map((n) => n.type)).toEqual([
      'ORDER_CONFIRMED',
    ]);
  });
});
