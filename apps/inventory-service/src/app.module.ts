import { Module } from '@nestjs/common';
import { TOPICS } from '@ecommerce/contracts';
import { DatabaseModule } from '@ecommerce/database';
import { MessagingModule } from '@ecommerce/messaging';
import { SERVICE_NAME } from './config';
import { PrismaService } from './database';
import { CatalogSeeder } from './products/catalog-seeder';
import { ProductsModule } from './products/products.module';
import { ReservationsConsumer } from './reservations/reservations.consumer';
import { ReservationsModule } from './reservations/reservations.module';

/** The service: its database, its Kafka side, and one module per capability. */
@Module({
  imports: [
    DatabaseModule.forRoot(PrismaService),
    MessagingModule.forService({
      service: SERVICE_NAME,
      publishes: true,
      consumers: [
        {
          topics: [TOPICS.inventoryCommands],
          consumer: ReservationsConsumer,
          kafkaConsumer: { partitionsConsumedConcurrently: 3 },
        },
      ],
      startAfter: [CatalogSeeder],
    }),
    ProductsModule,
    ReservationsModule,
  ],
})
export class AppModule {}
