import { Inject, Injectable, Logger } from '@nestjs/common';
import type { paymentEventsV1 } from '@ecommerce/contracts';
import { SERVICE_CONFIG } from '@ecommerce/config';
import { type ServiceConfig } from '../config';
import type { Tx } from '../database';
import { PAYMENT_PROVIDER, type PaymentProvider } from '../provider/payment-provider';
import { captureWithRetries, type RetryPolicy } from './capture-with-retries';
import type { Payment } from './payment';
import { parseCaptureCommand, parseRefundCommand } from './payment-commands.validation';
import { captureReply, refundReply } from './payment-replies';
import { refundDecision } from './payment-state';
import { PaymentsRepository } from './payments.repository';

/** Where a reply goes on from: the command's trace, so one order stays one trace. */
export interface CommandContext {
  traceparent?: string;
}

/**
 * The saga's payment step. Each method runs in the transaction of the inbox consumer, which
 * also records the command's message id: the payment row, the reply in the outbox and the inbox
 * row commit together or not at all.
 *
 * Exactly once, in layers:
 * - the same message again (same `ce_id`): the inbox skips it, nothing runs;
 * - the same command in another message (a new `ce_id`): the order's payment row exists (unique
 *   `order_id`), so nothing is charged and the first outcome is answered again;
 * - two deliveries at once (a consumer group rebalance): a transaction-scoped advisory lock per
 *   order makes the second wait for the first to commit, then it finds the row;
 * - a crash after the provider charged, before the commit: the command comes again and the
 *   provider is called again with the same idempotency key (the order id), which returns the
 *   first charge instead of making a second one.
 *
 * The provider is called inside the transaction, retries included (at most
 * RETRY_WAIT_BUDGET_MS of waits, see config.ts): the row lock and the result then commit as one,
 * with no "pending" state to recover after a crash. The cost is a transaction held open for the
 * provider's latency, which a simulated provider keeps at zero; a slow real provider would move
 * the call out of the transaction (record the attempt, call, record the result).
 */
@Injectable()
export class PaymentCommandsService {
  private readonly logger = new Logger(PaymentCommandsService.name);
  private readonly retry: RetryPolicy;

  constructor(
    private readonly payments: PaymentsRepository,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
  ) {
    this.retry = { maxAttempts: config.PAYMENT_MAX_ATTEMPTS, baseMs: config.PAYMENT_RETRY_BASE_MS };
  }

  /** CapturePayment: charge the order once, record the payment, reply with its outcome. */
  async capture(
    tx: Tx,
    message: paymentEventsV1.CapturePayment,
    context: CommandContext,
  ): Promise<Payment> {
    const command = parseCaptureCommand(message);
    await this.payments.lockOrder(tx, command.orderId);
    const existing = await this.payments.findByOrder(command.orderId, tx);
    if (existing) {
      this.logger.log(
        `order ${command.orderId} already has a ${existing.status} payment: nothing charged, answered again`,
      );
      await this.payments.enqueueReply(tx, captureReply(existing), context.traceparent);
      return existing;
    }

    const result = await captureWithRetries(
      this.provider,
      {
        idempotencyKey: command.orderId,
        amountCents: command.amountCents,
        currency: command.currency,
        method: command.method,
      },
      this.retry,
    );
    const payment = await this.payments.create(tx, {
      orderId: command.orderId,
      userId: command.userId,
      amountCents: command.amountCents,
      currency: command.currency,
      method: command.method,
      attempts: result.attempts,
      ...(result.outcome === 'captured'
        ? { status: 'CAPTURED', providerChargeId: result.chargeId }
        : result.outcome === 'declined'
          ? { status: 'DECLINED', declineCode: result.declineCode }
          : { status: 'FAILED', lastError: result.error.slice(0, 500) }),
    });
    this.logger.log(
      `order ${payment.orderId}: payment ${payment.status} after ${payment.attempts} provider call(s)`,
    );
    await this.payments.enqueueReply(tx, captureReply(payment), context.traceparent);
    return payment;
  }

  /** RefundPayment: refund a captured payment once; always answer with PaymentRefunded. */
  async refund(
    tx: Tx,
    message: paymentEventsV1.RefundPayment,
    context: CommandContext,
  ): Promise<Payment | null> {
    const { orderId } = parseRefundCommand(message);
    await this.payments.lockOrder(tx, orderId);
    let payment = await this.payments.findByOrder(orderId, tx);
    const decision = refundDecision(payment?.status);
    if (payment && decision === 'refund') {
      // A transient provider error propagates: the consumer retries the message with backoff,
      // then dead-letters it. The key makes a retried refund return the first one.
      await this.provider.refund({
        idempotencyKey: `refund:${orderId}`,
        chargeId: payment.providerChargeId ?? '',
        amountCents: payment.amountCents,
      });
      payment = await this.payments.markRefunded(tx, payment.id);
    }
    this.logger.log(`order ${orderId}: refund ${decision}`);
    await this.payments.enqueueReply(tx, refundReply(orderId, payment), context.traceparent);
    return payment;
  }

}
