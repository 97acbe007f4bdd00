import { Module } from '@nestjs/common';
import { TOPICS } from '@ecommerce/contracts';
import { DatabaseModule } from '@ecommerce/database';
import { MessagingModule } from '@ecommerce/messaging';
import { SERVICE_NAME } from './config';
import { PrismaService } from './database';
import { OrderEventsConsumer, UserEventsConsumer } from './notifications/notifications.consumer';
import { NotificationsModule } from './notifications/notifications.module';

/** The service: its database, its Kafka side, and one module per capability. */
@Module({
  imports: [
    DatabaseModule.forRoot(PrismaService),
    MessagingModule.forService({
      service: SERVICE_NAME,
      publishes: false,
      consumers: [
        { group: 'users', topics: [TOPICS.userEvents], consumer: UserEventsConsumer },
        { group: 'orders', topics: [TOPICS.orderEvents], consumer: OrderEventsConsumer },
      ],
    }),
    NotificationsModule,
  ],
})
export class AppModule {}
