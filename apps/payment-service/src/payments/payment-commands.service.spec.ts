import { Logger } from '@nestjs/common';
import { EVENTS } from '@ecommerce/contracts';
import { isPoisonMessageError } from '@ecommerce/messaging';
import type { ServiceConfig } from '../config';
import type { Tx } from '../database';
import { type PaymentProvider, TransientProviderError } from '../provider/payment-provider';
import { SimulatedPaymentProvider } from '../provider/simulated-provider';
import type { NewPayment, Payment } from './payment';
import { PaymentCommandsService } from './payment-commands.service';
import type { PaymentReply } from './payment-replies';
import type { PaymentsRepository } from './payments.repository';

const orderId = '6f1c2a4e-8a7d-4a8e-9d61-1f0a3b2c4d5e';
const userId = '0b0b0b0b-8a7d-4a8e-9d61-1f0a3b2c4d5e';
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const config = { PAYMENT_MAX_ATTEMPTS: 3, PAYMENT_RETRY_BASE_MS: 1 } as ServiceConfig;
/** The inbox consumer's transaction: the service only hands it on. */
const tx = { name: 'the handler transaction' } as unknown as Tx;

// The service logs every outcome; these tests read them from the fakes instead.
Logger.overrideLogger(false);

const capture = (paymentMethod: string) => ({
  orderId,
  userId,
  amountCents: 4_990,
  currency: 'EUR',
  paymentMethod,
});

/** A repository over one order's payment, recording what the service asked of it, in order. */
function fakeRepository(stored: Payment | null) {
  let payment = stored;
  const calls: string[] = [];
  const created: NewPayment[] = [];
  const replies: { reply: PaymentReply; traceparent: string | undefined }[] = [];
  const seen = (name: string, given: Tx) => {
    if (given !== tx) throw new Error(`${name} outside the handler's transaction`);
    calls.push(name);
  };
  const repository = {
    lockOrder: async (given: Tx, id: string) => seen(`lock ${id}`, given),
    findByOrder: async (id: string, given: Tx) => {
      seen(`find ${id}`, given);
      return payment;
    },
    create: async (given: Tx, data: NewPayment) => {
      seen('create', given);
      created.push(data);
      payment = row({ ...data, id: 'p-new' });
      return payment;
    },
    markRefunded: async (given: Tx, id: string) => {
      seen(`refund ${id}`, given);
      payment = { ...(payment as Payment), status: 'REFUNDED', refundedAt: new Date() };
      return payment;
    },
    enqueueReply: async (given: Tx, reply: PaymentReply, trace: string | undefined) => {
      seen('reply', given);
      replies.push({ reply, traceparent: trace });
    },
  } as unknown as PaymentsRepository;
  return { repository, calls, created, replies };
}

function row(fields: Partial<Payment> & Pick<Payment, 'status'>): Payment {
  return {
    id: 'p-1',
    orderId,
    userId,
    amountCents: 4_990,
    currency: 'EUR',
    declineCode: null,
    method: 'pm_card_visa',
    attempts: 1,
    providerChargeId: null,
    lastError: null,
    refundedAt: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...fields,
  };
}

describe('PaymentCommandsService.capture', () => {
  it('locks the order, then reads, charges, records and answers, all in the handler’s transaction', async () => {
    const fake = fakeRepository(null);
    const provider = new SimulatedPaymentProvider();
    const service = new PaymentCommandsService(fake.repository, provider, config);

    await service.capture(tx, capture('pm_card_visa'), { traceparent });

    expect(fake.calls).toEqual([`lock ${orderId}`, `find ${orderId}`, 'create', 'reply']);
    expect(provider.calls).toBe(1);
    expect(fake.created).toEqual([
      {
        orderId,
        userId,
        amountCents: 4_990,
        currency: 'EUR',
        method: 'pm_card_visa',
        attempts: 1,
        status: 'CAPTURED',
        providerChargeId: expect.stringMatching(/^ch_sim_/),
      },
    ]);
    expect(fake.replies).toEqual([
      {
        reply: {
          event: EVENTS.PaymentCaptured,
          payload: { orderId, paymentId: 'p-new', amountCents: 4_990, currency: 'EUR' },
        },
        traceparent,
      },
    ]);
  });

  it('charges nothing for an order that has a payment, and answers its recorded outcome again', async () => {
    const fake = fakeRepository(row({ status: 'DECLINED', declineCode: 'insufficient_funds' }));
    const provider = new SimulatedPaymentProvider();
    const service = new PaymentCommandsService(fake.repository, provider, config);

    await service.capture(tx, capture('pm_card_visa'), {});

    expect(provider.calls).toBe(0);
    expect(fake.calls).toEqual([`lock ${orderId}`, `find ${orderId}`, 'reply']);
    expect(fake.replies).toEqual([
      {
        reply: {
          event: EVENTS.PaymentDeclined,
          payload: { orderId, paymentId: 'p-1', declineCode: 'insufficient_funds' },
        },
        traceparent: undefined,
      },
    ]);
  });

  it('records a decline with its code, and transient errors to the last as FAILED (error cut to 500 characters)', async () => {
    const declined = fakeRepository(null);
    await new PaymentCommandsService(
      declined.repository,
      new SimulatedPaymentProvider(),
      config,
    ).capture(tx, capture('pm_card_chargeDeclined'), {});
    expect(declined.created[0]).toMatchObject({
      status: 'DECLINED',
      declineCode: 'generic_decline',
      attempts: 1,
    });

    const failing: PaymentProvider = {
      charge: async () => {
        throw new TransientProviderError('x'.repeat(600));
      },
      refund: async () => ({ refundId: 're_1' }),
    };
    const failed = fakeRepository(null);
    await new PaymentCommandsService(failed.repository, failing, config).capture(
      tx,
      capture('pm_card_visa'),
      {},
    );
    expect(failed.created[0]).toMatchObject({
      status: 'FAILED',
      lastError: 'x'.repeat(500),
      attempts: 3,
    });
    expect(failed.replies[0]?.reply.event).toBe(EVENTS.PaymentFailed);
  });

  it('touches nothing for a command it cannot act on (poison)', async () => {
    const fake = fakeRepository(null);
    const service = new PaymentCommandsService(
      fake.repository,
      new SimulatedPaymentProvider(),
      config,
    );
    const error = await service
      .capture(tx, { ...capture('pm_card_visa'), currency: 'euro' }, {})
      .catch((e: unknown) => e);
    expect(isPoisonMessageError(error)).toBe(true);
    expect(fake.calls).toEqual([]);
  });
});

describe('PaymentCommandsService.refund', () => {
  it('refunds a captured payment through the provider once, marks it REFUNDED and answers the amount', async () => {
    const fake = fakeRepository(row({ status: 'CAPTURED', providerChargeId: 'ch_1' }));
    const refunds: unknown[] = [];
    const provider: PaymentProvider = {
      charge: async () => ({ outcome: 'captured', chargeId: 'ch_2' }),
      refund: async (request) => {
        refunds.push(request);
        return { refundId: 're_1' };
      },
    };
    const service = new PaymentCommandsService(fake.repository, provider, config);

    await service.refund(tx, { orderId }, { traceparent });

    expect(refunds).toEqual([
      { idempotencyKey: `refund:${orderId}`, chargeId: 'ch_1', amountCents: 4_990 },
    ]);
    expect(fake.calls).toEqual([`lock ${orderId}`, `find ${orderId}`, 'refund p-1', 'reply']);
    expect(fake.replies).toEqual([
      {
        reply: {
          event: EVENTS.PaymentRefunded,
          payload: { orderId, paymentId: 'p-1', amountCents: 4_990, currency: 'EUR' },
        },
        traceparent,
      },
    ]);
  });

  it.each(['DECLINED', 'FAILED', 'REFUNDED'] as const)(
    'refunds nothing for a %s payment, and still answers',
    async (status) => {
      const fake = fakeRepository(row({ status }));
      const provider = new SimulatedPaymentProvider();
      await new PaymentCommandsService(fake.repository, provider, config).refund(
        tx,
        { orderId },
        {},
      );
      expect(provider.calls).toBe(0);
      expect(fake.calls).toEqual([`lock ${orderId}`, `find ${orderId}`, 'reply']);
      expect(fake.replies[0]?.reply.payload).toMatchObject({
        amountCents: status === 'REFUNDED' ? 4_990 : 0,
      });
    },
  );
});
