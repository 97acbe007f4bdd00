import { Injectable, type OnModuleInit } from '@nestjs/common';
import { EVENTS } from '@ecommerce/contracts';
import { MessagingService } from '../messaging/messaging.service';
import { PaymentCommandsService } from './payment-commands.service';

/** payment.commands.v1 → {@link PaymentCommandsService}, each in its inbox transaction. */
@Injectable()
export class PaymentsConsumer implements OnModuleInit {
  constructor(
    private readonly messaging: MessagingService,
    private readonly payments: PaymentCommandsService,
  ) {}

  onModuleInit(): void {
    this.messaging.consumer
      .on(EVENTS.CapturePayment, async (tx, event) => {
        await this.payments.capture(tx, event.payload, { traceparent: event.traceparent });
      })
      .on(EVENTS.RefundPayment, async (tx, event) => {
        await this.payments.refund(tx, event.payload, { traceparent: event.traceparent });
      });
  }
}
