import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Metadata } from '@grpc/grpc-js';
import {
  deadLetterTopic,
  encodeEvent,
  EVENTS,
  type EventName,
  type EventPayload,
  eventByType,
  type inventoryV1,
  type orderV1,
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
import { envelopeHeaders } from '@ecommerce/messaging';
import { AppProcess, freePort, waitFor, waitForServing } from '../stack/processes';
import { appEnv, type BackendName, databaseUrl, serviceCredentials } from '../stack/stack';
import type { Admin } from 'kafkajs';

/**
 * What the order saga's integration tests share: order-service and inventory-service as real
 * processes, a test client of each, and the test's own Kafka producer and collectors, with
 * which it plays payment-service (it reads payment.commands.v1 and answers on
 * payment.events.v1) and watches every other topic of the saga.
 */

const BROKERS = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:29092';
const ignore = () => undefined;
const quiet = { error: ignore, warn: ignore, info: ignore, debug: ignore };
/** order-service's consumer group and inbox name. */
export const ORDER_GROUP = 'order-service';

export type OrderClient = ResilientGrpcClient<orderV1.OrderServiceClient>;
type InventoryClient = ResilientGrpcClient<inventoryV1.InventoryServiceClient>;
const testClient = {
  credentials: serviceCredentials(),
  resilience: { ...DEFAULT_RESILIENCE, retries: 0, deadlineMs: 10_000 },
};

/** One message seen on a topic, decoded when its type is known. */
export interface Seen {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  type: string;
  headers: Readonly<Record<string, string>>;
  value: Buffer | null;
  payload: Record<string, unknown> | undefined;
}

/** Where a produced message landed. */
export interface Produced {
  id: string;
  topic: string;
  partition: number;
  offset: string;
}

type PaymentReply = 'PaymentCaptured' | 'PaymentDeclined' | 'PaymentFailed' | 'PaymentRefunded';

const WATCHED = [
  TOPICS.inventoryCommands,
  TOPICS.inventoryEvents,
  TOPICS.paymentCommands,
  TOPICS.paymentEvents,
  TOPICS.orderEvents,
  deadLetterTopic(TOPICS.inventoryEvents),
  deadLetterTopic(TOPICS.paymentEvents),
];

export class OrderServiceProcess {
  private constructor(
    readonly app: AppProcess,
    readonly orders: OrderClient,
    /** Where it serves GET /metrics. */
    readonly metricsUrl: string,
  ) {}

  /** Starts the built order-service; `ready` waits for SERVING (its consumer has joined). */
  static async start(
    inventoryPort: number,
    env: Record<string, string> = {},
    ready = true,
  ): Promise<OrderServiceProcess> {
    const port = await freePort();
    const ports: Partial<Record<BackendName, number>> = {
      'order-service': port,
      'inventory-service': inventoryPort,
    };
    const metricsPort = await freePort();
    const app = AppProcess.start('order-service', {
      ...appEnv('order-service', { grpcPorts: ports, metricsPorts: { 'order-service': metricsPort } }),
      ...env,
    });
    if (ready) await waitForServing(`127.0.0.1:${port}`, 90_000, app);
    return new OrderServiceProcess(
      app,
      new ResilientGrpcClient('order', `127.0.0.1:${port}`, testClient),
      `http://127.0.0.1:${metricsPort}/metrics`,
    );
  }

  async stop(): Promise<void> {
    this.orders.close();
    await this.app.stop();
  }

  async kill(): Promise<void> {
    this.orders.close();
    await this.app.kill();
  }
}

export class SagaHarness {
  readonly seen: Seen[] = [];

  private constructor(
    readonly inventoryApp: AppProcess,
    readonly inventoryPort: number,
    readonly inventory: InventoryClient,
    readonly db: Client,
    private readonly producer: KafkaProducer,
    private readonly admin: Admin,
    private readonly collectors: KafkaConsumer[],
  ) {}

  /** inventory-service, the database client and the collectors; order-service is started by each test file. */
  static async start(): Promise<SagaHarness> {
    const inventoryPort = await freePort();
    const inventoryApp = AppProcess.start(
      'inventory-service',
      appEnv('inventory-service', {
        grpcPorts: { 'inventory-service': inventoryPort },
        metricsPorts: { 'inventory-service': await freePort() },
      }),
    );
    const kafka = createKafka({
      clientId: `order-saga-it-${randomUUID()}`,
      brokers: BROKERS,
      logger: quiet,
    });
    const producer = createProducer(kafka);
    await producer.connect();
    const admin = kafka.admin();
    await admin.connect();
    const db = new Client({ connectionString: databaseUrl('order') });
    await db.connect();
    const harness = new SagaHarness(
      inventoryApp,
      inventoryPort,
      new ResilientGrpcClient('inventory', `127.0.0.1:${inventoryPort}`, testClient),
      db,
      producer,
      admin,
      [],
    );
    for (const topic of WATCHED) {
      // A group of its own from the beginning: it sees everything, whatever else reads the topic.
      const consumer = createConsumer(kafka, {
        groupId: `order-saga-it-${randomUUID()}`,
        topics: [topic],
        fromBeginning: true,
        handler: async (message) => void harness.seen.push(decode(message)),
      });
      harness.collectors.push(consumer);
      await consumer.start();
    }
    await waitForServing(`127.0.0.1:${inventoryPort}`, 90_000, inventoryApp);
    return harness;
  }

  async close(): Promise<void> {
    await Promise.all(this.collectors.map((c) => c.disconnect().catch(() => undefined)));
    await this.producer.disconnect();
    await this.admin.disconnect();
    await this.db.end();
    this.inventory.close();
    await this.inventoryApp.stop();
  }

  /** Messages about `orderId` on `topic` (of type `name`), in the order they arrived. */
  of(topic: string, orderId: string, name?: EventName): Seen[] {
    return this.seen.filter(
      (m) => m.topic === topic && m.key === orderId && (!name || m.type === EVENTS[name].type),
    );
  }

  /** Waits until `orderId` has `count` messages of type `name` on its topic; returns the last. */
  async message(orderId: string, name: EventName, count = 1, timeoutMs = 30_000): Promise<Seen> {
    const topic = EVENTS[name].topic;
    await waitFor(
      `${count} × ${name} for order ${orderId}`,
      async () => this.of(topic, orderId, name).length >= count,
      timeoutMs,
      50,
    );
    return this.of(topic, orderId, name)[count - 1] as Seen;
  }

  /** Answers as payment-service would: a new message with a new ce_id unless `id` is given. */
  async pay<N extends PaymentReply>(
    name: N,
    payload: EventPayload<N>,
    id: string = randomUUID(),
  ): Promise<Produced> {
    const { orderId } = payload as { orderId: string };
    return this.produce(TOPICS.paymentEvents, orderId, {
      value: Buffer.from(encodeEvent(name, payload)),
      headers: envelopeHeaders({
        id,
        type: EVENTS[name].type,
        source: 'payment-service',
        time: new Date(),
        subject: orderId,
      }),
    });
  }

  /** Publishes a seen message again, byte for byte: a redelivery (same ce_id). */
  republish(message: Seen): Promise<Produced> {
    return this.produce(message.topic, message.key ?? '', {
      value: message.value ?? Buffer.alloc(0),
      headers: message.headers,
    });
  }

  /** Publishes anything, e.g. a poison message. */
  async produce(
    topic: string,
    key: string,
    message: { value: Buffer; headers: Readonly<Record<string, string>> },
  ): Promise<Produced> {
    const [meta] = await this.producer.send(topic, [{ key, ...message }]);
    if (!meta) throw new Error(`no metadata for the message sent to ${topic}`);
    return {
      id: message.headers['ce_id'] ?? '',
      topic,
      partition: meta.partition,
      offset: meta.baseOffset ?? meta.offset ?? '',
    };
  }

  /** Waits until order-service's group has committed past `message`: it is handled (or dead-lettered). */
  async handled(message: Produced, timeoutMs = 30_000): Promise<void> {
    await waitFor(
      `order-service to handle ${message.topic}[${message.partition}]@${message.offset}`,
      async () => {
        const [offsets] = await this.admin.fetchOffsets({
          groupId: ORDER_GROUP,
          topics: [message.topic],
        });
        const committed = offsets?.partitions.find((p) => p.partition === message.partition);
        return committed !== undefined && BigInt(committed.offset) > BigInt(message.offset);
      },
      timeoutMs,
      100,
    );
  }

  /** How many outbox rows order-service wrote for the order, by event type (short name). */
  async outboxCounts(orderId: string): Promise<Record<string, number>> {
    const { rows } = await this.db.query<{ event_type: string; count: number }>(
      `SELECT event_type, count(*)::int AS count FROM outbox WHERE message_key = $1 GROUP BY event_type`,
      [orderId],
    );
    return Object.fromEntries(rows.map((r) => [r.event_type.split('.').pop(), r.count]));
  }

  async product(stock: number, priceCents = 1_000): Promise<inventoryV1.Product> {
    const { product } = await this.inventory.call('createProduct', {
      sku: `SAGA-IT-${randomUUID().slice(0, 13)}`,
      name: 'Saga Test Kettle',
      description: '',
      priceCents,
      currency: 'EUR',
      initialStock: stock,
    });
    if (!product) throw new Error('createProduct returned no product');
    return product;
  }

  async available(productId: string): Promise<number> {
    const { product } = await this.inventory.call('getProduct', { id: productId });
    return product?.available ?? Number.NaN;
  }
}

/** Places an order of `quantity` × `productId` as `userId`, optionally with a traceparent. */
export async function placeOrder(
  orders: OrderClient,
  userId: string,
  lines: Array<{ productId: string; quantity: number }>,
  options: { paymentMethod?: string; traceparent?: string } = {},
): Promise<orderV1.Order> {
  const metadata = new Metadata();
  if (options.traceparent) metadata.set('traceparent', options.traceparent);
  const { order } = await orders.call(
    'createOrder',
    { userId, items: lines, paymentMethod: options.paymentMethod ?? '', idempotencyKey: '' },
    { metadata },
  );
  if (!order) throw new Error('createOrder returned no order');
  return order;
}

/** Polls the order until `check` holds; returns it. */
export async function orderWhen(
  orders: OrderClient,
  order: orderV1.Order,
  what: string,
  check: (order: orderV1.Order) => boolean,
  timeoutMs = 30_000,
): Promise<orderV1.Order> {
  let last = order;
  await waitFor(
    `order ${order.id} ${what}`,
    async () => {
      const { order: current } = await orders.call('getOrder', {
        orderId: order.id,
        callerUserId: order.userId,
        callerIsAdmin: false,
      });
      if (current) last = current;
      return current !== undefined && check(current);
    },
    timeoutMs,
    100,
  );
  return last;
}

/** The order's timeline as step names (the proto enum's names without the prefix). */
export async function timelineOf(orders: OrderClient, order: orderV1.Order) {
  const { entries } = await orders.call('getOrderTimeline', {
    orderId: order.id,
    callerUserId: order.userId,
    callerIsAdmin: false,
  });
  return entries.map((entry) => ({
    step: String(entry.step).replace(/^TIMELINE_STEP_/, ''),
    status: String(entry.status).replace(/^ORDER_STATUS_/, ''),
    detail: entry.detail,
  }));
}

function decode(message: ConsumedMessage): Seen {
  const type = message.headers['ce_type'] ?? '';
  let payload: Record<string, unknown> | undefined;
  try {
    const definition = eventByType(type);
    if (definition && message.value)
      payload = definition.codec.decode(message.value) as Record<string, unknown>;
  } catch {
    payload = undefined; // a poison message: kept, undecoded
  }
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    key: message.key,
    type,
    headers: message.headers,
    value: message.value,
    payload,
  };
}
