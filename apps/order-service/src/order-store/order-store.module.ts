import { Module } from '@nestjs/common';
import { OrderRepository } from './order.repository';

/** The order's tables, for orders/ and saga/ alike (neither imports the other). */
@Module({
  providers: [OrderRepository],
  exports: [OrderRepository],
})
export class OrderStoreModule {}
