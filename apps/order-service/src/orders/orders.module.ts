import { Module } from '@nestjs/common';
import { OrderStoreModule } from '../order-store/order-store.module';
import { CatalogClient } from './catalog.client';
import { OrdersGrpcController } from './orders.grpc-controller';
import { OrdersService } from './orders.service';

/**
 * Placing, cancelling and reading orders; the saga confirms or cancels them. `SagaSteps` comes
 * from the global SagaModule (see app.module.ts), not from an import of saga/.
 */
@Module({
  imports: [OrderStoreModule],
  controllers: [OrdersGrpcController],
  providers: [OrdersService, CatalogClient],
})
export class OrdersModule {}
