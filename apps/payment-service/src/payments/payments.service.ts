import { Injectable } from '@nestjs/common';
import type { paymentV1 } from '@ecommerce/contracts';
import type { FieldError } from '@ecommerce/errors';
import { PrismaService } from '../database';
import { mayRead, ownerOf } from './payment-access';
import { paymentErrors } from './payments.errors';
import { toPaymentMessage } from './payment.mapper';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads of payments. The saga writes them (payment commands over Kafka); gRPC only reads.
 * The caller fields come from the gateway, which took them from a verified token; this
 * service on the internal network trusts them and enforces ownership with them.
 */
@Injectable()
export class PaymentsService {
  constructor(private readonly prisma: PrismaService) {}

  async getByOrder(request: paymentV1.GetPaymentByOrderRequest): Promise<paymentV1.Payment> {
    const problems: FieldError[] = [];
    if (!UUID_PATTERN.test(request.orderId))
      problems.push({ field: 'orderId', message: 'must be a UUID' });
    if (!request.callerIsAdmin && !UUID_PATTERN.test(request.callerUserId)) {
      problems.push({
        field: 'callerUserId',
        message: 'must be a UUID unless the caller is an admin',
      });
    }
    if (problems.length) throw paymentErrors.validationFailed(problems);

    const payment = await this.prisma.payment.findUnique({ where: { orderId: request.orderId } });
    // Someone else's payment gets the same answer as none at all.
    if (!payment || !mayRead(request, ownerOf(payment))) throw paymentErrors.paymentNotFound();
    return toPaymentMessage(payment);
  }
}
