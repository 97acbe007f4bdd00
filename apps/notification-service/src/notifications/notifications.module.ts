import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { NotificationsConsumer } from './notifications.consumer';
import { NotificationsGrpcController } from './notifications.grpc-controller';
import { NotificationsService } from './notifications.service';
import { NotifyService } from './notify.service';

/**
 * Notifications: sent for user and order events (notifications.consumer.ts), listed over gRPC
 * as ecommerce.notification.v1.NotificationService (notifications.grpc-controller.ts).
 */
@Module({
  imports: [MailModule],
  controllers: [NotificationsGrpcController],
  providers: [NotificationsService, NotifyService, NotificationsConsumer],
})
export class NotificationsModule {}
