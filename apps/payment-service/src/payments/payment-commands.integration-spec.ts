import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { DEFAULT_RESILIENCE, ResilientGrpcClient } from '@ecommerce/grpc';
import { EVENTS, TOPICS, type paymentV1, deadLetterTopic, eventByType } from '@ecommerce/contracts';
import type { ConsumedMessage } from '@ecommerce/kafka';
import {
  AppProcess,
  KafkaTestBus,
  type TopicCollector,
  appEnv,
  continuedTrace,
  databaseUrl,
  freePort,
  waitForServing,
  serviceCredentials,
} from '@ecommerce/testing';
import { PrismaClient } from '../generated/prisma/client';

/**
 * The saga's payment step against the built service, a real Postgres and the real broker:
 * commands go in on payment.commands.v1 the way order-service's outbox relay sends them, replies
 * are read back from payment.events.v1. Each test uses order ids of its own.
 */

const GROUP = 'payment-service';
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** A reply as the order service would see it: its type and decoded payload. */
function decode(message: ConsumedMessage): { type: string; payload: Record<string, unknown> } {
  const type = message.headers['ce_type'] ?? '';
  const definition = eventByType(type);
  if (!definition || !message.value) throw new Error(`not a platform event: ${type}`);
  return { type, payload: definition.codec.decode(message.value) as Record<string, unknown> };
}

describe('payment-service: the saga payment step over Kafka', () => {
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl('payment') }) });
  const orderIds = new Set<string>();
  const customer = randomUUID();
  let app: AppProcess;
  let bus: KafkaTestBus;
  let replies: TopicCollector;
  let deadLetters: TopicCollector;
  let payments: ResilientGrpcClient<paymentV1.PaymentServiceClient>;

  beforeAll(async () => {
    const port = await freePort();
    app = AppProcess.start('payment-service', {
      ...appEnv('payment-service', { grpcPorts: { 'payment-service': port }, metricsPorts: { 'payment-service': await freePort() } }),
      // Not the defaults (3, 100 ms): the test proves the service reads them.
      PAYMENT_MAX_ATTEMPTS: '4',
      PAYMENT_RETRY_BASE_MS: '50',
    });
    // SERVING includes "the consumer and the relay run".
    await waitForServing(`127.0.0.1:${port}`, 60_000, app);
    payments = new ResilientGrpcClient('payment', `127.0.0.1:${port}`, {
      credentials: serviceCredentials(),
      resilience: { ...DEFAULT_RESILIENCE, retries: 0 },
    });
    bus = await KafkaTestBus.connect('payment-it');
    const ours = (message: ConsumedMessage) => message.key !== null && orderIds.has(message.key);
    replies = await bus.collect(TOPICS.paymentEvents, ours);
    deadLetters = await bus.collect(deadLetterTopic(TOPICS.paymentCommands), ours);
  });

  afterAll(async () => {
    await db.payment.deleteMany({ where: { orderId: { in: [...orderIds] } } });
    await db.$disconnect();
    payments?.close();
    await bus?.close();
    await app?.stop();
  });

  function newOrder(): string {
    const orderId = randomUUID();
    orderIds.add(orderId);
    return orderId;
  }

  function capture(orderId: string, paymentMethod: string, id?: string) {
    return bus.publish(
      EVENTS.CapturePayment,
      { orderId, userId: customer, amountCents: 4_990, currency: 'EUR', paymentMethod },
      { key: orderId, id, traceparent: TRACEPARENT },
    );
  }

  function refund(orderId: string, id?: string) {
    return bus.publish(EVENTS.RefundPayment, { orderId }, { key: orderId, id });
  }

  async function repliesFor(orderId: string, count: number) {
    const messages = await replies.waitFor(count, (m) => m.key === orderId);
    return messages.map(decode);
  }

  it('captures pm_card_visa: one PaymentCaptured on the order’s key and trace, a CAPTURED payment its owner can read', async () => {
    const orderId = newOrder();
    await capture(orderId, 'pm_card_visa');
    const [reply] = await replies.waitFor(1, (m) => m.key === orderId);
    expect(reply?.headers).toMatchObject({
      ce_type: EVENTS.PaymentCaptured.type,
      ce_source: 'payment-service',
      ce_subject: orderId,
      traceparent: expect.stringMatching(continuedTrace(TRACEPARENT)),
    });
    const row = await db.payment.findUniqueOrThrow({ where: { orderId } });
    expect(decode(reply as ConsumedMessage).payload).toEqual({
      orderId,
      paymentId: row.id,
      amountCents: 4_990,
      currency: 'EUR',
    });
    expect(row).toMatchObject({ status: 'CAPTURED', userId: customer, attempts: 1, method: 'pm_card_visa' });
    expect(row.providerChargeId).toMatch(/^ch_sim_/);

    const { payment } = await payments.call('getPaymentByOrder', { orderId, callerUserId: customer, callerIsAdmin: false });
    expect(payment).toMatchObject({ id: row.id, orderId, userId: customer, amountCents: 4_990 });
  });

  it('captures a payment that names no method with the default card', async () => {
    const orderId = newOrder();
    await capture(orderId, '');
    const [reply] = await repliesFor(orderId, 1);
    expect(reply?.type).toBe(EVENTS.PaymentCaptured.type);
    await expect(db.payment.findUnique({ where: { orderId } })).resolves.toMatchObject({ method: 'pm_card_visa' });
  });

  it.each([
    ['pm_card_chargeDeclined', 'generic_decline'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
    ['pm_card_unknown_to_the_provider', 'generic_decline'],
  ])('declines %s with %s, charging nothing', async (method, declineCode) => {
    const orderId = newOrder();
    await capture(orderId, method);
    const [reply] = await repliesFor(orderId, 1);
    const row = await db.payment.findUniqueOrThrow({ where: { orderId } });
    expect(reply).toEqual({ type: EVENTS.PaymentDeclined.type, payload: { orderId, paymentId: row.id, declineCode } });
    expect(row).toMatchObject({ status: 'DECLINED', declineCode, attempts: 1, providerChargeId: null });
  });

  it('retries pm_card_processingError PAYMENT_MAX_ATTEMPTS times, then answers PaymentFailed', async () => {
    const orderId = newOrder();
    await capture(orderId, 'pm_card_processingError');
    const [reply] = await repliesFor(orderId, 1);
    const row = await db.payment.findUniqueOrThrow({ where: { orderId } });
    expect(reply).toEqual({
      type: EVENTS.PaymentFailed.type,
      payload: { orderId, paymentId: row.id, error: expect.stringMatching(/processing_error/), attempts: 4 },
    });
    expect(row).toMatchObject({ status: 'FAILED', attempts: 4, lastError: expect.stringMatching(/processing_error/) });
  });

  it('handles a redelivered CapturePayment (same ce_id) once: one payment, one reply', async () => {
    const orderId = newOrder();
    const first = await capture(orderId, 'pm_card_visa');
    await repliesFor(orderId, 1);
    const before = await db.payment.findUniqueOrThrow({ where: { orderId } });

    const again = await capture(orderId, 'pm_card_visa', first.id);
    await bus.waitUntilConsumed(GROUP, again);
    expect(replies.messages.filter((m) => m.key === orderId)).toHaveLength(1);
    await expect(db.payment.findMany({ where: { orderId } })).resolves.toEqual([before]);
  });

  it('never charges twice for the same order in a new message (new ce_id): it answers the first outcome again', async () => {
    const orderId = newOrder();
    await capture(orderId, 'pm_card_visa');
    const [first] = await repliesFor(orderId, 1);
    const before = await db.payment.findUniqueOrThrow({ where: { orderId } });

    // Another method this time: the order's payment exists, so nothing is charged at all.
    const again = await capture(orderId, 'pm_card_chargeDeclined');
    await bus.waitUntilConsumed(GROUP, again);
    const answers = await repliesFor(orderId, 2);
    expect(answers).toEqual([first, first]);
    await expect(db.payment.findMany({ where: { orderId } })).resolves.toEqual([before]);
  });

  it('refunds a captured payment once; a repeated refund changes nothing and is answered alike', async () => {
    const orderId = newOrder();
    await capture(orderId, 'pm_card_visa');
    await repliesFor(orderId, 1);
    const first = await refund(orderId);
    const [, refunded] = await repliesFor(orderId, 2);
    const row = await db.payment.findUniqueOrThrow({ where: { orderId } });
    expect(refunded).toEqual({
      type: EVENTS.PaymentRefunded.type,
      payload: { orderId, paymentId: row.id, amountCents: 4_990, currency: 'EUR' },
    });
    expect(row.status).toBe('REFUNDED');
    expect(row.refundedAt).toBeInstanceOf(Date);

    // The same message again: the inbox skips it, no reply.
    const redelivered = await refund(orderId, first.id);
    await bus.waitUntilConsumed(GROUP, redelivered);
    expect(replies.messages.filter((m) => m.key === orderId)).toHaveLength(2);

    // Another RefundPayment for the order: nothing refunded again, the same answer.
    const repeated = await refund(orderId);
    await bus.waitUntilConsumed(GROUP, repeated);
    const answers = await repliesFor(orderId, 3);
    expect(answers[2]).toEqual(refunded);
    await expect(db.payment.findUniqueOrThrow({ where: { orderId } })).resolves.toEqual(row);
  });

  it('answers a refund with nothing to refund with PaymentRefunded of 0: no payment, or a declined one', async () => {
    const none = newOrder();
    await refund(none);
    expect(await repliesFor(none, 1)).toEqual([
      { type: EVENTS.PaymentRefunded.type, payload: { orderId: none, paymentId: '', amountCents: 0, currency: '' } },
    ]);
    await expect(db.payment.findUnique({ where: { orderId: none } })).resolves.toBeNull();

    const declined = newOrder();
    await capture(declined, 'pm_card_chargeDeclined');
    await repliesFor(declined, 1);
    await refund(declined);
    const [, answer] = await repliesFor(declined, 2);
    const row = await db.payment.findUniqueOrThrow({ where: { orderId: declined } });
    expect(answer).toEqual({
      type: EVENTS.PaymentRefunded.type,
      payload: { orderId: declined, paymentId: row.id, amountCents: 0, currency: 'EUR' },
    });
    expect(row.status).toBe('DECLINED');
  });

  it('dead-letters poison commands with their origin, and handles the next message of the partition', async () => {
    const orderId = newOrder();
    // A payload that does not decode as its ce_type, then a command that decodes but names no
    // valid currency: neither can ever be handled.
    const undecodable = await bus.publishRaw(TOPICS.paymentCommands, {
      key: orderId,
      value: Buffer.from([0x0a, 0xff]),
      headers: { ce_id: randomUUID(), ce_type: EVENTS.CapturePayment.type, ce_source: 'test' },
    });
    const invalid = await bus.publish(
      EVENTS.CapturePayment,
      { orderId, userId: customer, amountCents: 100, currency: 'euro', paymentMethod: 'pm_card_visa' },
      { key: orderId },
    );
    await capture(orderId, 'pm_card_visa');

    const [reply] = await repliesFor(orderId, 1);
    expect(reply?.type).toBe(EVENTS.PaymentCaptured.type);
    const letters = await deadLetters.waitFor(2, (m) => m.key === orderId);
    expect(letters.map((m) => m.headers['ce_id'])).toEqual([undecodable.id, invalid.id]);
    expect(letters[0]?.headers).toMatchObject({
      dlt_original_topic: TOPICS.paymentCommands,
      dlt_original_partition: String(undecodable.partition),
      dlt_original_offset: undecodable.offset,
      dlt_consumer: GROUP,
      dlt_error: expect.stringMatching(/does not decode/),
      dlt_failed_at: expect.any(String),
    });
    expect(letters[1]?.headers['dlt_error']).toMatch(/currency must be an ISO 4217 code/);
    await expect(db.payment.findUniqueOrThrow({ where: { orderId } })).resolves.toMatchObject({ amountCents: 4_990 });
  });
});
