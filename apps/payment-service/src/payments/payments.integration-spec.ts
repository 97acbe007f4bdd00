import { randomUUID } from 'node:crypto';
import { type ServiceError, status } from '@grpc/grpc-js';
import { PrismaPg } from '@prisma/adapter-pg';
import { paymentV1 } from '@ecommerce/contracts';
import { errorCodeOf, fieldErrorsOf } from '@ecommerce/errors';
import { DEFAULT_RESILIENCE, ResilientGrpcClient } from '@ecommerce/grpc';
import {
  AppProcess,
  appEnv,
  databaseUrl,
  freePort,
  waitForServing,
  serviceCredentials,
} from '@ecommerce/testing';
import { PrismaClient } from '../generated/prisma/client';

/** The gRPC error a call failed with (fails the test if it succeeded). */
async function failure(call: Promise<unknown>): Promise<ServiceError> {
  const outcome = await call.then(
    (value) => ({ value }),
    (error: ServiceError) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected the call to fail, got ${JSON.stringify(outcome.value)}`);
  return outcome.error;
}

describe('payment-service payments over gRPC', () => {
  // The service's own database, written the way the saga will write it.
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl('payment') }) });
  let app: AppProcess;
  let payments: ResilientGrpcClient<paymentV1.PaymentServiceClient>;
  const orderIds: string[] = [];
  const admin = { callerUserId: randomUUID(), callerIsAdmin: true };
  const customer = randomUUID();

  beforeAll(async () => {
    const port = await freePort();
    app = AppProcess.start('payment-service', appEnv('payment-service', { grpcPorts: { 'payment-service': port }, metricsPorts: { 'payment-service': await freePort() } }));
    await waitForServing(`127.0.0.1:${port}`, 30_000, app);
    payments = new ResilientGrpcClient('payment', `127.0.0.1:${port}`, {
      credentials: serviceCredentials(),
      resilience: { ...DEFAULT_RESILIENCE, retries: 0 },
    });
  });

  afterAll(async () => {
    await db.payment.deleteMany({ where: { orderId: { in: orderIds } } });
    await db.$disconnect();
    payments?.close();
    await app?.stop();
  });

  async function insertPayment(data: Partial<Parameters<typeof db.payment.create>[0]['data']> = {}) {
    const orderId = randomUUID();
    orderIds.push(orderId);
    return db.payment.create({
      data: {
        orderId,
        userId: customer,
        amountCents: 4_990,
        currency: 'EUR',
        status: 'CAPTURED',
        method: 'pm_card_visa',
        attempts: 1,
        ...data,
      },
    });
  }

  it('returns the payment of an order', async () => {
    const row = await insertPayment();
    await expect(payments.call('getPaymentByOrder', { orderId: row.orderId, ...admin })).resolves.toEqual({
      payment: {
        id: row.id,
        orderId: row.orderId,
        userId: customer,
        amountCents: 4_990,
        currency: 'EUR',
        status: paymentV1.PaymentStatus.CAPTURED,
        createdAt: row.createdAt.toISOString(),
        updatedAt: row.updatedAt.toISOString(),
      },
    });
  });

  it('carries the decline code of a declined payment', async () => {
    const row = await insertPayment({
      status: 'DECLINED',
      declineCode: 'insufficient_funds',
      method: 'pm_card_chargeDeclinedInsufficientFunds',
    });
    const { payment } = await payments.call('getPaymentByOrder', { orderId: row.orderId, ...admin });
    expect(payment).toMatchObject({ status: paymentV1.PaymentStatus.DECLINED, declineCode: 'insufficient_funds' });
  });

  it('answers NOT_FOUND while an order has no payment', async () => {
    const error = await failure(payments.call('getPaymentByOrder', { orderId: randomUUID(), ...admin }));
    expect(error.code).toBe(status.NOT_FOUND);
    expect(errorCodeOf(error)).toBe('PAYMENT_NOT_FOUND');
  });

  it('lets the customer who placed the order read its payment', async () => {
    const row = await insertPayment();
    const { payment } = await payments.call('getPaymentByOrder', {
      orderId: row.orderId,
      callerUserId: customer,
      callerIsAdmin: false,
    });
    expect(payment).toMatchObject({ id: row.id, orderId: row.orderId, userId: customer });
  });

  // The same answer as for an order without a payment: nothing tells that the order exists.
  it('answers NOT_FOUND to another customer', async () => {
    const row = await insertPayment();
    const error = await failure(
      payments.call('getPaymentByOrder', { orderId: row.orderId, callerUserId: randomUUID(), callerIsAdmin: false }),
    );
    expect(error.code).toBe(status.NOT_FOUND);
    expect(error.details).toBe('payment not found');
  });

  it('answers a malformed order id or caller with INVALID_ARGUMENT and field errors', async () => {
    const error = await failure(
      payments.call('getPaymentByOrder', { orderId: 'order-1', callerUserId: '', callerIsAdmin: false }),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(fieldErrorsOf(error)).toEqual([
      { field: 'orderId', message: 'must be a UUID' },
      { field: 'callerUserId', message: 'must be a UUID unless the caller is an admin' },
    ]);
  });
});
