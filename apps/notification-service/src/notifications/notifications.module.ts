import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module';
import { OrderEventsConsumer, UserEventsConsumer } from './notifications.consumer';
import { NotificationsGrpcController } from './notifications.grpc-controller';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';
import { NotifyService } from './notify.service';

/**
 * Notifications: recorded for user and order events (notifications.consumer.ts), delivered by
 * the delivery module, listed over gRPC as ecommerce.notification.v1.NotificationService
 * (notifications.grpc-controller.ts).
 */
@Module({
  imports: [DeliveryModule],
  controllers: [NotificationsGrpcController],
  providers: [
    NotificationsRepository,
    NotificationsService,
    NotifyService,
    UserEventsConsumer,
    OrderEventsConsumer,
  ],
})
export class NotificationsModule {}
