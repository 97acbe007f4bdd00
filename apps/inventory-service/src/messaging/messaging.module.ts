import { Module } from '@nestjs/common';
import { ReservationsModule } from '../reservations/reservations.module';
import { Messaging } from './messaging.service';

/** Kafka: the outbox relay, and the inbox consumer with the handlers of each capability. */
@Module({
  imports: [ReservationsModule],
  providers: [Messaging],
  exports: [Messaging],
})
export class MessagingModule {}
