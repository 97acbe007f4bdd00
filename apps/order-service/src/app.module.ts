import { Module } from '@nestjs/common';
import { TOPICS } from '@ecommerce/contracts';
import { DatabaseModule } from '@ecommerce/database';
import { MessagingModule } from '@ecommerce/messaging';
import { SERVICE_NAME } from './config';
import { PrismaService } from './database';
import { OrdersModule } from './orders/orders.module';
import { SagaConsumer } from './saga/saga.consumer';
import { SagaModule } from './saga/saga.module';

/**
 * The service: its database, its Kafka side, and one module per capability. Both capabilities
 * use OrderStoreModule (the order's tables) and `domain/`; OrdersModule reaches the saga through
 * `SagaSteps`, which the global SagaModule provides, so orders/ and saga/ never import each other.
 */
@Module({
  imports: [
    DatabaseModule.forRoot(PrismaService),
    MessagingModule.forService({
      service: SERVICE_NAME,
      publishes: true,
      consumers: [
        { topics: [TOPICS.inventoryEvents, TOPICS.paymentEvents], consumer: SagaConsumer },
      ],
    }),
    OrdersModule,
    SagaModule,
  ],
})
export class AppModule {}
