import { Injectable } from '@nestjs/common';
import type { notificationV1 } from '@ecommerce/contracts';
import { parseRequest } from '@ecommerce/validation';
import { toNotificationMessage } from './notification.mapper';
import { NotificationsRepository } from './notifications.repository';
import { listNotificationsSchema } from './notifications.validation';

/**
 * A user's notifications, whatever their status. The caller (the gateway) passes the user id from
 * the verified token; this service on the internal network trusts it to.
 */
@Injectable()
export class NotificationsService {
  constructor(private readonly notifications: NotificationsRepository) {}

  /** Newest first; ties on the creation time are broken by id, so pages never overlap. */
  async list(
    request: notificationV1.ListNotificationsRequest,
  ): Promise<notificationV1.ListNotificationsResponse> {
    const query = parseRequest(listNotificationsSchema, request);
    const { notifications, total } = await this.notifications.pageOfUser(query.userId, query);
    return {
      data: notifications.map(toNotificationMessage),
      pagination: {
        page: query.page,
        limit: query.limit,
        total,
        pages: Math.ceil(total / query.limit),
      },
    };
  }
}
