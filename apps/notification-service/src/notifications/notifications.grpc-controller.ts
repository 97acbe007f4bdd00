import { Controller, UseFilters } from '@nestjs/common';
import { notificationV1 } from '@ecommerce/contracts';
import { notificationErrors } from './notifications.errors';
import { NotificationsService } from './notifications.service';

/** ecommerce.notification.v1.NotificationService over gRPC (reads only: events write). */
@Controller()
@UseFilters(notificationErrors.Filter)
@notificationV1.NotificationServiceControllerMethods()
export class NotificationsGrpcController implements notificationV1.NotificationServiceController {
  constructor(private readonly notifications: NotificationsService) {}

  listNotifications(
    request: notificationV1.ListNotificationsRequest,
  ): Promise<notificationV1.ListNotificationsResponse> {
    return this.notifications.list(request);
  }
}
