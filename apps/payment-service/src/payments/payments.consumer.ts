import { Injectable } from '@nestjs/common';
import { EVENTS } from '@ecommerce/contracts';
import type { ConsumerHandlers, EventConsumer } from '@ecommerce/messaging';
import type { Tx } from '../database';
import { PaymentCommandsService } from './payment-commands.service';

/** payment.commands.v1 → {@link PaymentCommandsService}, each in its inbox transaction. */
@Injectable()
export class PaymentsConsumer implements EventConsumer<Tx> {
  constructor(private readonly payments: PaymentCommandsService) {}

  register(handlers: ConsumerHandlers<Tx>): void {
    handlers
      .on(EVENTS.CapturePayment, async (tx, event) => {
        await this.payments.capture(tx, event.payload, { traceparent: event.traceparent });
      })
      .on(EVENTS.RefundPayment, async (tx, event) => {
        await this.payments.refund(tx, event.payload, { traceparent: event.traceparent });
      });
  }
}
