import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import {
  ALL_DEAD_LETTER_TOPICS,
  ALL_TOPICS,
  EVENTS,
  GRPC_LOADER_OPTIONS,
  GRPC_SERVICE_NAMES,
  PROTO_DIR_ENV,
  PROTO_FILES,
  PROTO_PACKAGES,
  deadLetterTopic,
  encodeEvent,
  eventByType,
  grpcProtoOptions,
  orderEventsV1,
  orderV1,
  protoPath,
  protoRoot,
  TOPICS,
} from './index';

describe('Kafka payloads', () => {
  it('round-trip through encode/decode, int64 and enums included', () => {
    const sent = orderEventsV1.OrderCancelled.fromPartial({
      orderId: '0b6c6a8e-3f4e-4c1e-9a57-3a0f7b3c2d11',
      userId: '5d2f7f0e-8d7a-4a8e-b0b4-2f1e6c9d8a77',
      totalCents: 2 ** 40 + 7,
      currency: 'EUR',
      reason: orderV1.CancellationReason.PAYMENT_DECLINED,
      cancelledAt: '2026-01-02T03:04:05.000Z',
    });

    const bytes = orderEventsV1.OrderCancelled.encode(sent).finish();
    const received = orderEventsV1.OrderCancelled.decode(bytes);

    expect(bytes.length).toBeGreaterThan(0);
    expect(received).toEqual(sent);
    expect(received.reason).toBe('CANCELLATION_REASON_PAYMENT_DECLINED');
  });

  it('decode by the CloudEvents type header what encodeEvent produced', () => {
    const bytes = encodeEvent('ReserveInventory', {
      orderId: 'order-1',
      items: [
        { productId: 'p-1', quantity: 2 },
        { productId: 'p-2', quantity: 1 },
      ],
    });

    const definition = eventByType('ecommerce.inventory.v1.ReserveInventory');

    expect(definition?.topic).toBe('inventory.commands.v1');
    expect(definition?.codec.decode(bytes)).toEqual({
      orderId: 'order-1',
      items: [
        { productId: 'p-1', quantity: 2 },
        { productId: 'p-2', quantity: 1 },
      ],
    });
    expect(eventByType('ecommerce.inventory.v1.NoSuchThing')).toBeUndefined();
  });

  it('every saga message carries order_id, every event has a unique type on a known topic', () => {
    const definitions = Object.entries(EVENTS);
    const types = definitions.map(([, definition]) => definition.type);

    expect(new Set(types).size).toBe(types.length);
    for (const [name, definition] of definitions) {
      expect(definition.type.endsWith(`.v1.${name}`)).toBe(true);
      expect(ALL_TOPICS).toContain(definition.topic);
      const empty = definition.codec.decode(new Uint8Array(0)) as object;
      const key = definition.topic === TOPICS.userEvents ? 'userId' : 'orderId';
      expect({ name, hasKey: key in empty }).toEqual({ name, hasKey: true });
    }
  });
});

describe('topics', () => {
  it('are unique, including their dead-letter topics', () => {
    const all = [...ALL_TOPICS, ...ALL_DEAD_LETTER_TOPICS];

    expect(new Set(all).size).toBe(all.length);
    expect(ALL_TOPICS).toHaveLength(Object.keys(TOPICS).length);
    expect(deadLetterTopic(TOPICS.paymentCommands)).toBe('payment.commands.v1.dlt');
  });
});

describe('proto paths', () => {
  const saved = process.env[PROTO_DIR_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[PROTO_DIR_ENV];
    else process.env[PROTO_DIR_ENV] = saved;
  });

  it('find the proto root and every service file from the sources', () => {
    delete process.env[PROTO_DIR_ENV];
    const root = protoRoot();

    expect(existsSync(join(root, 'buf.yaml'))).toBe(true);
    for (const service of Object.keys(PROTO_FILES) as (keyof typeof PROTO_FILES)[]) {
      expect(existsSync(protoPath(service))).toBe(true);
    }
  });

  it('honour PROTO_DIR, and reject one without buf.yaml', () => {
    const root = protoRoot();
    process.env[PROTO_DIR_ENV] = root;
    expect(protoRoot()).toBe(root);

    process.env[PROTO_DIR_ENV] = join(root, 'ecommerce');
    expect(() => protoRoot()).toThrow(/does not point at a proto root/);
  });
});

describe('gRPC wire format', () => {
  it('every service proto loads and defines the service it is named for', () => {
    for (const service of Object.keys(PROTO_FILES) as (keyof typeof PROTO_FILES)[]) {
      const options = grpcProtoOptions(service);
      const definition = protoLoader.loadSync(options.protoPath, options.loader);
      expect(Object.keys(definition)).toContain(GRPC_SERVICE_NAMES[service]);
    }
  });

  it('what proto-loader (with GRPC_LOADER_OPTIONS) sends is what the generated types describe, and back', () => {
    const options = grpcProtoOptions('order');
    const definition = protoLoader.loadSync(options.protoPath, options.loader);
    const loaded = grpc.loadPackageDefinition(definition) as unknown as Record<string, unknown>;
    const pkg = PROTO_PACKAGES.order
      .split('.')
      .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], loaded);
    const method = (pkg as Record<string, { service: grpc.ServiceDefinition }>)[
      orderV1.ORDER_SERVICE_NAME
    ].service['GetOrder'];
    const response: orderV1.GetOrderResponse = {
      order: orderV1.Order.fromPartial({
        id: 'order-1',
        status: orderV1.OrderStatus.CANCELLED,
        cancellationReason: orderV1.CancellationReason.OUT_OF_STOCK,
        items: [{ productId: 'p-1', quantity: 3, unitPriceCents: 1999 }],
        totalCents: 5997,
      }),
    };

    const fromLoader = method.responseDeserialize(
      orderV1.GetOrderResponse.encode(response).finish() as Buffer,
    );
    const fromTsProto = orderV1.GetOrderResponse.decode(method.responseSerialize(response));

    expect(fromLoader).toEqual(response);
    expect(fromTsProto).toEqual(response);
    expect(GRPC_LOADER_OPTIONS.enums).toBe(String);
  });
});
