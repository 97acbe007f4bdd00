import { Module } from '@nestjs/common';
import { TOPICS } from '@ecommerce/contracts';
import { DatabaseModule } from '@ecommerce/database';
import { MessagingModule } from '@ecommerce/messaging';
import { SERVICE_NAME } from './config';
import { PrismaService } from './database';
import { PaymentsConsumer } from './payments/payments.consumer';
import { PaymentsModule } from './payments/payments.module';

/** The service: its database, its Kafka side, and one module per capability. */
@Module({
  imports: [
    DatabaseModule.forRoot(PrismaService),
    MessagingModule.forService({
      service: SERVICE_NAME,
      publishes: true,
      consumers: [{ topics: [TOPICS.paymentCommands], consumer: PaymentsConsumer }],
    }),
    PaymentsModule,
  ],
})
export class AppModule {}
