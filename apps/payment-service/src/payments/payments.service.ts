import { Injectable } from '@nestjs/common';
import type { paymentV1 } from '@ecommerce/contracts';
import { parseRequest } from '@ecommerce/validation';
import { mayRead, ownerOf } from './payment-access';
import { paymentErrors } from './payments.errors';
import { toPaymentMessage } from './payment.mapper';
import { PaymentsRepository } from './payments.repository';
import { getPaymentByOrderSchema } from './payments.validation';

/**
 * Reads of payments. The saga writes them (payment commands over Kafka); gRPC only reads.
 * The caller fields come from the gateway, which took them from a verified token; this
 * service on the internal network trusts them and enforces ownership with them.
 */
@Injectable()
export class PaymentsService {
  constructor(private readonly payments: PaymentsRepository) {}

  async getByOrder(request: paymentV1.GetPaymentByOrderRequest): Promise<paymentV1.Payment> {
    const { orderId } = parseRequest(getPaymentByOrderSchema, request);
    const payment = await this.payments.findByOrder(orderId);
    // Someone else's payment gets the same answer as none at all.
    if (!payment || !mayRead(request, ownerOf(payment)))
      throw paymentErrors.create('PAYMENT_NOT_FOUND', 'payment not found');
    return toPaymentMessage(payment);
  }
}
