import { Module } from '@nestjs/common';
import { CatalogClient } from './catalog.client';
import { OrdersGrpcController } from './orders.grpc-controller';
import { OrdersService } from './orders.service';

/** Placing and reading orders (the saga that confirms or cancels them joins next). */
@Module({
  controllers: [OrdersGrpcController],
  providers: [OrdersService, CatalogClient],
})
export class OrdersModule {}
