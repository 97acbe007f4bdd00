import { Module } from '@nestjs/common';
import { NotificationsGrpcController } from './notifications.grpc-controller';
import { NotificationsService } from './notifications.service';

/** The notifications sent to each user, served as ecommerce.notification.v1.NotificationService. */
@Module({
  controllers: [NotificationsGrpcController],
  providers: [NotificationsService],
})
export class NotificationsModule {}
