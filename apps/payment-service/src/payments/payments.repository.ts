import { Injectable } from '@nestjs/common';
import type { EventDefinition } from '@ecommerce/contracts';
import { Outbox } from '@ecommerce/messaging';
import type { SameType } from '@ecommerce/database';
import { PrismaService, type Tx } from '../database';
import type {
  Payment as PaymentRow,
  PaymentStatus as PaymentStatusColumn,
} from '../generated/prisma/client';
import type { NewPayment, Payment } from './payment';
import type { PaymentReply } from './payment-replies';
import type { PaymentStatus } from './payment-state';

// The domain's types are the table's, exactly: a status or a column added to schema.prisma (or
// to payment-state.ts / payment.ts) alone fails `npm run typecheck` here.
const _statusesMatch: SameType<PaymentStatusColumn, PaymentStatus> = true;
const _rowsMatch: SameType<PaymentRow, Payment> = true;

/**
 * The `payments` table and the replies in the outbox. The saga's commands write through the
 * inbox consumer's transaction (`tx`), so the payment, the reply and the inbox row commit
 * together; the gRPC reads use the client.
 */
@Injectable()
export class PaymentsRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Serialises everything this service does to one order, for the rest of the transaction: a
   * second delivery of the order's command (a rebalance) waits here, then finds the first
   * one's row.
   */
  async lockOrder(tx: Tx, orderId: string): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`payment:${orderId}`}, 0))`;
  }

  /** The order's payment (unique `order_id`), in `tx` when given. */
  findByOrder(orderId: string, tx?: Tx): Promise<Payment | null> {
    return (tx ?? this.prisma).payment.findUnique({ where: { orderId } });
  }

  /** Records a capture's outcome: the order's payment, in its first status. */
  create(tx: Tx, payment: NewPayment): Promise<Payment> {
    return tx.payment.create({ data: payment });
  }

  /** CAPTURED → REFUNDED, now. */
  markRefunded(tx: Tx, paymentId: string): Promise<Payment> {
    return tx.payment.update({
      where: { id: paymentId },
      data: { status: 'REFUNDED', refundedAt: new Date() },
    });
  }

  /** Writes a reply to the outbox, keyed by its order, continuing the command's trace. */
  async enqueueReply(tx: Tx, reply: PaymentReply, traceparent: string | undefined): Promise<void> {
    const { orderId } = reply.payload;
    // Each member of the union pairs an event with its own payload type.
    await this.outbox.enqueueEvent(tx, reply.event as EventDefinition<unknown>, reply.payload, {
      key: orderId,
      subject: orderId,
      ...(traceparent ? { traceparent } : {}),
    });
  }
}
