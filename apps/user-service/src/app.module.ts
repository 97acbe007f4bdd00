import { Module } from '@nestjs/common';
import { DatabaseModule } from '@ecommerce/database';
import { MessagingModule } from '@ecommerce/messaging';
import { SERVICE_NAME } from './config';
import { PrismaService } from './database';
import { UsersModule } from './users/users.module';

/** The service: its database, its Kafka side, and one module per capability. */
@Module({
  imports: [
    DatabaseModule.forRoot(PrismaService),
    MessagingModule.forService({
      service: SERVICE_NAME,
      publishes: true,
    }),
    UsersModule,
  ],
})
export class AppModule {}
