import { Module } from '@nestjs/common';
import { ReservationsConsumer } from './reservations.consumer';
import { ReservationsRepository } from './reservations.repository';
import { ReservationsService } from './reservations.service';

/** Per-order reservations of stock: the inventory side of the order saga (docs/saga.md). */
@Module({
  providers: [ReservationsRepository, ReservationsService, ReservationsConsumer],
})
export class ReservationsModule {}
