import { type DynamicModule, Module } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from './config';
import { DatabaseModule } from './database/database.module';
import { MessagingModule } from './messaging/messaging.module';
import { outboxProvider } from './messaging/outbox.provider';
import { ProductsModule } from './products/products.module';
import { ReservationsModule } from './reservations/reservations.module';

@Module({})
export class AppModule {
  static register(config: ServiceConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [DatabaseModule, ProductsModule, ReservationsModule, MessagingModule],
      providers: [{ provide: SERVICE_CONFIG, useValue: config }, outboxProvider],
      exports: [SERVICE_CONFIG, outboxProvider],
    };
  }
}
