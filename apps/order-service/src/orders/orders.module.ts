import { Module } from '@nestjs/common';
import { SagaModule } from '../saga/saga.module';
import { CatalogClient } from './catalog.client';
import { OrdersGrpcController } from './orders.grpc-controller';
import { OrdersService } from './orders.service';

/** Placing, cancelling and reading orders; the saga confirms or cancels them. */
@Module({
  imports: [SagaModule],
  controllers: [OrdersGrpcController],
  providers: [OrdersService, CatalogClient],
})
export class OrdersModule {}
