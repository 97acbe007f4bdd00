import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  deadLetterTopic,
  encodeEvent,
  EVENTS,
  type EventName,
  type EventPayload,
  eventByType,
  inventoryEventsV1,
  type inventoryV1,
  TOPICS,
} from '@ecommerce/contracts';
import { DEFAULT_RESILIENCE, ResilientGrpcClient } from '@ecommerce/grpc';
import {
  type ConsumedMessage,
  createConsumer,
  createKafka,
  createProducer,
  type KafkaConsumer,
  type KafkaProducer,
} from '@ecommerce/kafka';
import { DLT_HEADER, envelopeHeaders } from '@ecommerce/messaging';
import {
  AppProcess,
  appEnv,
  continuedTrace,
  databaseUrl,
  freePort,
  waitFor,
  waitForServing,
  serviceCredentials,
} from '@ecommerce/testing';

/**
 * inventory-service as a real process, driven the way the order service drives it: commands
 * produced to inventory.commands.v1 with CloudEvents headers, replies read back from
 * inventory.events.v1, stock read from its database and over gRPC.
 */

const { RejectionReason } = inventoryEventsV1;
const BROKERS = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:29092';
const ignore = () => undefined;
const quiet = { error: ignore, warn: ignore, info: ignore, debug: ignore };
/**
 * Generous on purpose: the consumer group is shared with any other inventory-service on this
 * broker, and when one of those is killed, its partitions wait for its session to time out
 * (30 s) before they move to a live member.
 */
const EVENTUALLY = 60_000;
jest.setTimeout(4 * EVENTUALLY);

type CommandName = 'ReserveInventory' | 'CommitReservation' | 'ReleaseInventory';

interface Reply {
  type: string;
  payload: unknown;
  headers: Readonly<Record<string, string>>;
  key: string | null;
}

let app: AppProcess;
let grpc: ResilientGrpcClient<inventoryV1.InventoryServiceClient>;
let db: Client;
let producer: KafkaProducer;
const collectors: KafkaConsumer[] = [];
const replies: Reply[] = [];
const deadLetters: ConsumedMessage[] = [];

beforeAll(async () => {
  const port = await freePort();
  app = AppProcess.start('inventory-service', {
    ...appEnv('inventory-service', { grpcPorts: { 'inventory-service': port }, metricsPorts: { 'inventory-service': await freePort() } }),
  });
  grpc = new ResilientGrpcClient('inventory', `127.0.0.1:${port}`, {
    credentials: serviceCredentials(),
    resilience: {
      ...DEFAULT_RESILIENCE,
      retries: 0,
    },
  });
  db = new Client({ connectionString: databaseUrl('inventory') });
  await db.connect();

  const kafka = createKafka({
    clientId: `inventory-it-${randomUUID()}`,
    brokers: BROKERS,
    logger: quiet,
  });
  producer = createProducer(kafka);
  await producer.connect();
  const collect = async (topic: string, onMessage: (message: ConsumedMessage) => void) => {
    const consumer = createConsumer(kafka, {
      groupId: `inventory-it-${randomUUID()}`,
      topics: [topic],
      fromBeginning: true,
      handler: async (message) => onMessage(message),
    });
    collectors.push(consumer);
    await consumer.start();
  };
  await collect(TOPICS.inventoryEvents, (message) => {
    const definition = eventByType(message.headers['ce_type'] ?? '');
    if (!definition || !message.value) return;
    let payload: unknown;
    try {
      payload = definition.codec.decode(message.value);
    } catch {
      return; // someone else's poison message (the order service's tests publish some): not ours
    }
    replies.push({ type: definition.type, payload, headers: message.headers, key: message.key });
  });
  await collect(deadLetterTopic(TOPICS.inventoryCommands), (message) => deadLetters.push(message));

  // SERVING means the consumer has joined its group: commands sent from now on are handled.
  await waitForServing(`127.0.0.1:${port}`, 60_000, app);
}, 90_000);

afterAll(async () => {
  await Promise.all(collectors.map((consumer) => consumer.disconnect().catch(() => undefined)));
  await producer?.disconnect();
  await db?.end();
  grpc?.close();
  await app?.stop();
});

/** Publishes a command as the order service's outbox relay would; resolves to its ce_id. */
async function send<N extends CommandName>(
  name: N,
  payload: EventPayload<N>,
  options: { id?: string; traceparent?: string } = {},
): Promise<string> {
  const id = options.id ?? randomUUID();
  const { orderId } = payload as { orderId: string };
  await producer.send(TOPICS.inventoryCommands, [
    {
      key: orderId,
      value: Buffer.from(encodeEvent(name, payload)),
      headers: envelopeHeaders({
        id,
        type: EVENTS[name].type,
        source: 'order-service',
        time: new Date(),
        subject: orderId,
        traceparent: options.traceparent,
      }),
    },
  ]);
  return id;
}

function repliesFor(orderId: string): Reply[] {
  return replies.filter((reply) => (reply.payload as { orderId?: string }).orderId === orderId);
}

/** Waits until `orderId` has `count` replies in all, and returns them in arrival order. */
async function awaitReplies(orderId: string, count: number): Promise<Reply[]> {
  await waitFor(
    `${count} replies for order ${orderId}`,
    async () => repliesFor(orderId).length >= count,
    EVENTUALLY,
    50,
  );
  return repliesFor(orderId);
}

/** The `index`-th reply (1-based) for the order, checked to be of type `name`. */
async function reply<N extends EventName>(
  orderId: string,
  name: N,
  index = 1,
): Promise<EventPayload<N>> {
  const all = await awaitReplies(orderId, index);
  const found = all[index - 1] as Reply;
  expect(found.type).toBe(EVENTS[name].type);
  return found.payload as EventPayload<N>;
}

async function newProduct(initialStock: number): Promise<string> {
  const { product } = await grpc.call('createProduct', {
    sku: `RSV-${randomUUID().slice(0, 13)}`,
    name: 'Reservation Test Teapot',
    description: '',
    priceCents: 2_500,
    currency: 'EUR',
    initialStock,
  });
  if (!product) throw new Error('createProduct returned no product');
  return product.id;
}

interface StockRow {
  available: number;
  reserved: number;
  sold: number;
}

async function stockOf(productId: string): Promise<StockRow> {
  const { rows } = await db.query<StockRow>(
    'SELECT available, reserved, sold FROM stock WHERE product_id = $1',
    [productId],
  );
  return rows[0] as StockRow;
}

async function availableOverGrpc(productId: string): Promise<number> {
  const { product } = await grpc.call('getProduct', { id: productId });
  return product?.available ?? Number.NaN;
}

async function reservationOf(orderId: string) {
  const { rows } = await db.query<{ status: string; lines: number }>(
    `SELECT r.status, count(l.product_id)::int AS lines
     FROM reservations r LEFT JOIN reservation_lines l ON l.reservation_id = r.id
     WHERE r.order_id = $1 GROUP BY r.status`,
    [orderId],
  );
  return rows[0];
}

/** The consumer's "handler failed: retrying" log lines for message `id`. */
function retriesOf(id: string): string[] {
  return app.logs
    .split('\n')
    .filter((entry) => entry.includes('handler failed: retrying') && entry.includes(id));
}

const line = (productId: string, quantity: number) => ({ productId, quantity });
const sorted = <T extends { productId: string }>(lines: T[]) =>
  [...lines].sort((a, b) => a.productId.localeCompare(b.productId));

describe('inventory-service reservations over Kafka', () => {
  it('reserves every line: stock moves to reserved and InventoryReserved lists the lines', async () => {
    const [a, b] = [await newProduct(10), await newProduct(3)];
    const orderId = randomUUID();
    const traceparent = `00-${randomUUID().replaceAll('-', '')}-${'ab'.repeat(8)}-01`;
    await send('ReserveInventory', { orderId, items: [line(a, 4), line(b, 3)] }, { traceparent });

    const reserved = await reply(orderId, 'InventoryReserved');
    expect(sorted(reserved.items)).toEqual(sorted([line(a, 4), line(b, 3)]));
    await expect(stockOf(a)).resolves.toEqual({ available: 6, reserved: 4, sold: 0 });
    await expect(stockOf(b)).resolves.toEqual({ available: 0, reserved: 3, sold: 0 });
    // What the catalog shows moves at once with the reservation.
    await expect(availableOverGrpc(a)).resolves.toBe(6);
    await expect(availableOverGrpc(b)).resolves.toBe(0);
    await expect(reservationOf(orderId)).resolves.toEqual({ status: 'RESERVED', lines: 2 });

    // The reply is keyed and subjected by the order, from inventory-service, in the same trace.
    const [message] = repliesFor(orderId);
    expect(message?.key).toBe(orderId);
    expect(message?.headers).toMatchObject({
      ce_type: EVENTS.InventoryReserved.type,
      ce_source: 'inventory-service',
      ce_subject: orderId,
      traceparent: expect.stringMatching(continuedTrace(traceparent)),
    });
  });

  it('moves nothing when one line is short, and InventoryRejected lists that line', async () => {
    const [plenty, scarce] = [await newProduct(10), await newProduct(2)];
    const orderId = randomUUID();
    await send('ReserveInventory', { orderId, items: [line(plenty, 1), line(scarce, 3)] });

    const rejected = await reply(orderId, 'InventoryRejected');
    expect(rejected).toEqual({
      orderId,
      reason: RejectionReason.INSUFFICIENT_STOCK,
      unavailable: [{ productId: scarce, requested: 3, available: 2 }],
    });
    await expect(stockOf(plenty)).resolves.toEqual({ available: 10, reserved: 0, sold: 0 });
    await expect(stockOf(scarce)).resolves.toEqual({ available: 2, reserved: 0, sold: 0 });
    await expect(reservationOf(orderId)).resolves.toEqual({ status: 'REJECTED', lines: 0 });
  });

  it('rejects an unknown product with UNKNOWN_PRODUCT and moves nothing', async () => {
    const known = await newProduct(5);
    const unknown = randomUUID();
    const orderId = randomUUID();
    await send('ReserveInventory', { orderId, items: [line(known, 1), line(unknown, 1)] });

    await expect(reply(orderId, 'InventoryRejected')).resolves.toEqual({
      orderId,
      reason: RejectionReason.UNKNOWN_PRODUCT,
      unavailable: [{ productId: unknown, requested: 1, available: 0 }],
    });
    await expect(stockOf(known)).resolves.toEqual({ available: 5, reserved: 0, sold: 0 });
  });

  it('never oversells: 20 orders at once for 1 unit each of a product with 5 → 5 reserved, 15 rejected', async () => {
    const product = await newProduct(5);
    const orders = Array.from({ length: 20 }, () => randomUUID());
    const ids = orders.map(() => randomUUID());
    // One send: the 20 commands land on every partition at once and are handled concurrently.
    await producer.send(
      TOPICS.inventoryCommands,
      orders.map((orderId, index) => ({
        key: orderId,
        value: Buffer.from(encodeEvent('ReserveInventory', { orderId, items: [line(product, 1)] })),
        headers: envelopeHeaders({
          id: ids[index] as string,
          type: EVENTS.ReserveInventory.type,
          source: 'order-service',
          time: new Date(),
          subject: orderId,
        }),
      })),
    );

    // What a client sees while they are handled: never below zero.
    const seen: number[] = [];
    await waitFor(
      'a reply to each of the 20 orders',
      async () => {
        seen.push(await availableOverGrpc(product));
        return orders.every((orderId) => repliesFor(orderId).length > 0);
      },
      EVENTUALLY,
      20,
    );
    const outcomes = orders.map((orderId) => repliesFor(orderId)[0]?.type);
    expect(outcomes.filter((type) => type === EVENTS.InventoryReserved.type)).toHaveLength(5);
    expect(outcomes.filter((type) => type === EVENTS.InventoryRejected.type)).toHaveLength(15);
    for (const orderId of orders) {
      const [only] = repliesFor(orderId);
      if (only?.type === EVENTS.InventoryRejected.type) {
        expect(only.payload).toMatchObject({
          reason: RejectionReason.INSUFFICIENT_STOCK,
          unavailable: [{ productId: product, requested: 1, available: 0 }],
        });
      }
    }
    await expect(stockOf(product)).resolves.toEqual({ available: 0, reserved: 5, sold: 0 });
    await expect(availableOverGrpc(product)).resolves.toBe(0);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(0);
    // Decided right the first time under the locks: no CHECK violation or deadlock was retried.
    expect(ids.flatMap(retriesOf)).toEqual([]);
  });

  it('commits a reservation: reserved becomes sold, available stays', async () => {
    const product = await newProduct(8);
    const orderId = randomUUID();
    await send('ReserveInventory', { orderId, items: [line(product, 3)] });
    await reply(orderId, 'InventoryReserved');
    await send('CommitReservation', { orderId });

    await expect(reply(orderId, 'InventoryCommitted', 2)).resolves.toEqual({ orderId });
    await expect(stockOf(product)).resolves.toEqual({ available: 5, reserved: 0, sold: 3 });
    await expect(reservationOf(orderId)).resolves.toEqual({ status: 'COMMITTED', lines: 1 });
  });

  it('releases a reservation: available is back exactly where it was', async () => {
    const [a, b] = [await newProduct(8), await newProduct(4)];
    const orderId = randomUUID();
    await send('ReserveInventory', { orderId, items: [line(a, 3), line(b, 4)] });
    await reply(orderId, 'InventoryReserved');
    await send('ReleaseInventory', { orderId });

    const releasedLines = await reply(orderId, 'InventoryReleased', 2);
    expect(sorted(releasedLines.items)).toEqual(sorted([line(a, 3), line(b, 4)]));
    await expect(stockOf(a)).resolves.toEqual({ available: 8, reserved: 0, sold: 0 });
    await expect(stockOf(b)).resolves.toEqual({ available: 4, reserved: 0, sold: 0 });
    await expect(availableOverGrpc(a)).resolves.toBe(8);
    await expect(reservationOf(orderId)).resolves.toEqual({ status: 'RELEASED', lines: 2 });
  });

  it('releases a committed order: the sold units are available again', async () => {
    const product = await newProduct(6);
    const orderId = randomUUID();
    await send('ReserveInventory', { orderId, items: [line(product, 2)] });
    await send('CommitReservation', { orderId });
    await reply(orderId, 'InventoryCommitted', 2);
    await send('ReleaseInventory', { orderId });

    await expect(reply(orderId, 'InventoryReleased', 3)).resolves.toEqual({
      orderId,
      items: [line(product, 2)],
    });
    await expect(stockOf(product)).resolves.toEqual({ available: 6, reserved: 0, sold: 0 });
  });

  it('leaves a tombstone for a release before any reservation: the later reservation is rejected', async () => {
    const product = await newProduct(5);
    const orderId = randomUUID();
    await send('ReleaseInventory', { orderId });
    await expect(reply(orderId, 'InventoryReleased')).resolves.toEqual({ orderId, items: [] });
    await expect(reservationOf(orderId)).resolves.toEqual({ status: 'RELEASED', lines: 0 });

    await send('ReserveInventory', { orderId, items: [line(product, 1)] });
    await expect(reply(orderId, 'InventoryRejected', 2)).resolves.toEqual({
      orderId,
      reason: RejectionReason.ORDER_RELEASED,
      unavailable: [],
    });
    await expect(stockOf(product)).resolves.toEqual({ available: 5, reserved: 0, sold: 0 });
  });
});

describe('inventory-service reservations, each command taking effect once', () => {
  it('skips a redelivered ReserveInventory, and answers a repeated one without reserving twice', async () => {
    const product = await newProduct(10);
    const orderId = randomUUID();
    const command = { orderId, items: [line(product, 4)] };
    const id = await send('ReserveInventory', command);
    await reply(orderId, 'InventoryReserved');

    await send('ReserveInventory', command, { id }); // the same message again: the inbox skips it
    await send('ReserveInventory', command); // the same command under a new id: answered again
    await expect(reply(orderId, 'InventoryReserved', 2)).resolves.toEqual(command);
    // The new-id copy was behind the redelivery on the order's partition: both are handled now.
    expect(repliesFor(orderId)).toHaveLength(2);
    await expect(stockOf(product)).resolves.toEqual({ available: 6, reserved: 4, sold: 0 });
  });

  it('gives a repeated rejected ReserveInventory the same answer, even after a restock', async () => {
    const product = await newProduct(1);
    const orderId = randomUUID();
    const command = { orderId, items: [line(product, 2)] };
    await send('ReserveInventory', command);
    const first = await reply(orderId, 'InventoryRejected');

    await grpc.call('restockProduct', { id: product, quantity: 10 });
    await send('ReserveInventory', command);
    await expect(reply(orderId, 'InventoryRejected', 2)).resolves.toEqual(first);
    await expect(stockOf(product)).resolves.toEqual({ available: 11, reserved: 0, sold: 0 });
  });

  it('commits once whether CommitReservation is redelivered or repeated', async () => {
    const product = await newProduct(10);
    const orderId = randomUUID();
    await send('ReserveInventory', { orderId, items: [line(product, 3)] });
    const id = await send('CommitReservation', { orderId });
    await reply(orderId, 'InventoryCommitted', 2);

    await send('CommitReservation', { orderId }, { id });
    await send('CommitReservation', { orderId });
    await reply(orderId, 'InventoryCommitted', 3);
    expect(repliesFor(orderId)).toHaveLength(3);
    await expect(stockOf(product)).resolves.toEqual({ available: 7, reserved: 0, sold: 3 });
  });

  it('releases once whether ReleaseInventory is redelivered or repeated', async () => {
    const product = await newProduct(10);
    const orderId = randomUUID();
    await send('ReserveInventory', { orderId, items: [line(product, 3)] });
    const id = await send('ReleaseInventory', { orderId });
    await reply(orderId, 'InventoryReleased', 2);

    await send('ReleaseInventory', { orderId }, { id });
    await send('ReleaseInventory', { orderId });
    await reply(orderId, 'InventoryReleased', 3);
    expect(repliesFor(orderId)).toHaveLength(3);
    // Released twice would be 13.
    await expect(stockOf(product)).resolves.toEqual({ available: 10, reserved: 0, sold: 0 });

    // And a ReserveInventory repeated after the release holds nothing again.
    await send('ReserveInventory', { orderId, items: [line(product, 3)] });
    await expect(reply(orderId, 'InventoryRejected', 4)).resolves.toMatchObject({
      reason: RejectionReason.ORDER_RELEASED,
    });
    await expect(stockOf(product)).resolves.toEqual({ available: 10, reserved: 0, sold: 0 });
  });
});

describe('inventory-service reservations, poison messages', () => {
  const deadLettersFor = (orderId: string) =>
    deadLetters.filter((message) => message.key === orderId);

  it('dead-letters a payload that does not decode, with the DLT headers, and handles the next message', async () => {
    const product = await newProduct(3);
    const orderId = randomUUID();
    const poisonId = randomUUID();
    await producer.send(TOPICS.inventoryCommands, [
      {
        key: orderId,
        value: Buffer.from([0xff, 0xff, 0xff, 0xff]),
        headers: envelopeHeaders({
          id: poisonId,
          type: EVENTS.ReserveInventory.type,
          source: 'order-service',
          time: new Date(),
          subject: orderId,
        }),
      },
    ]);
    // Same key, so the same partition, right behind the poison message.
    await send('ReserveInventory', { orderId, items: [line(product, 1)] });

    await reply(orderId, 'InventoryReserved');
    await waitFor('the dead letter', async () => deadLettersFor(orderId).length > 0, EVENTUALLY);
    const [letter] = deadLettersFor(orderId);
    expect(letter?.headers).toMatchObject({
      ce_id: poisonId,
      ce_type: EVENTS.ReserveInventory.type,
      [DLT_HEADER.originalTopic]: TOPICS.inventoryCommands,
      [DLT_HEADER.originalPartition]: expect.stringMatching(/^\d+$/),
      [DLT_HEADER.originalOffset]: expect.stringMatching(/^\d+$/),
      [DLT_HEADER.error]: expect.stringContaining('does not decode'),
      [DLT_HEADER.failedAt]: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      [DLT_HEADER.consumer]: 'inventory-service',
    });
    expect(letter?.value).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    await expect(stockOf(product)).resolves.toEqual({ available: 2, reserved: 1, sold: 0 });
  });

  it('dead-letters a command the reservation cannot take (a commit of an order never reserved)', async () => {
    const orderId = randomUUID();
    const id = await send('CommitReservation', { orderId });
    await waitFor('the dead letter', async () => deadLettersFor(orderId).length > 0, EVENTUALLY);
    expect(deadLettersFor(orderId)[0]?.headers[DLT_HEADER.error]).toContain(
      'cannot commit a reservation that is missing',
    );
    expect(retriesOf(id)).toEqual([]); // a retry cannot help: dead-lettered at the first failure
    // No reply, and no reservation row.
    expect(repliesFor(orderId)).toEqual([]);
    await expect(reservationOf(orderId)).resolves.toBeUndefined();
  });

  it('dead-letters a malformed ReserveInventory (a non-UUID order id) without retrying it', async () => {
    const orderId = `not-a-uuid-${randomUUID()}`;
    const id = await send('ReserveInventory', { orderId, items: [line(randomUUID(), 1)] });
    await waitFor('the dead letter', async () => deadLettersFor(orderId).length > 0, EVENTUALLY);
    expect(deadLettersFor(orderId)[0]?.headers[DLT_HEADER.error]).toContain('is not a UUID');
    expect(retriesOf(id)).toEqual([]);
  });
});
