import { type DynamicModule, Module } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from './config';
import { DatabaseModule } from './database/database.module';
import { MessagingModule } from './messaging/messaging.module';
import { NotificationsModule } from './notifications/notifications.module';

@Module({})
export class AppModule {
  static register(config: ServiceConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [DatabaseModule, MessagingModule, NotificationsModule],
      providers: [{ provide: SERVICE_CONFIG, useValue: config }],
      exports: [SERVICE_CONFIG],
    };
  }
}
