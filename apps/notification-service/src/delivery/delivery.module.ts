import { Module } from '@nestjs/common';
import { DeliveryMetrics } from './delivery-metrics';
import { DeliveryRepository } from './delivery.repository';
import { MailSender } from './mail-sender';
import { Mailer } from './mailer';

/**
 * Delivery: sends the notifications the consumers recorded, with retries (mail-sender.ts), over
 * SMTP (mailer.ts). Exports the sender so a consumer can wake it after a commit.
 */
@Module({
  providers: [Mailer, DeliveryRepository, DeliveryMetrics, MailSender],
  exports: [MailSender],
})
export class DeliveryModule {}
