import { Injectable } from '@nestjs/common';
import type { notificationV1 } from '@ecommerce/contracts';
import { parseRequest } from '@ecommerce/validation';
import { PrismaService } from '../database';
import { toNotificationMessage } from './notification.mapper';
import { listNotificationsSchema } from './notifications.validation';

/**
 * A user's notifications, whatever their status. The caller (the gateway) passes the user id from
 * the verified token; this service on the internal network trusts it to.
 */
@Injectable()
export class NotificationsService {
  constructor(private readonly prisma: PrismaService) {}

  /** Newest first; ties on the creation time are broken by id, so pages never overlap. */
  async list(
    request: notificationV1.ListNotificationsRequest,
  ): Promise<notificationV1.ListNotificationsResponse> {
    const query = parseRequest(listNotificationsSchema, request);
    const where = { userId: query.userId };
    const [notifications, total] = await this.prisma.$transaction([
      this.prisma.notification.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: (query.page - 1) * query.limit,
        take: query.limit,
      }),
      this.prisma.notification.count({ where }),
    ]);
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
