import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CurrentUser } from '../auth/auth.decorators';
import type { AuthenticatedUser } from '../auth/token-verifier';
import { Backends } from '../backends/backends';
import { paginationQuery, toPagination } from '../common/pagination';
import { ApiJson, ApiProblems } from '../openapi/openapi';
import { Validate } from '../validation/validation';
import { toNotification } from './notifications.mapper';
import { notificationPageSchema } from './notifications.schemas';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/v1/notifications')
export class NotificationsController {
  constructor(private readonly backends: Backends) {}

  @Get()
  @ApiOperation({ summary: "The caller's notifications (emails), newest first, each with its delivery status" })
  @Validate({ query: paginationQuery })
  @ApiJson(200, notificationPageSchema, 'one page of notifications')
  @ApiProblems(400, 401)
  async list(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: z.output<typeof paginationQuery>,
  ): Promise<z.output<typeof notificationPageSchema>> {
    const { data, pagination } = await this.backends.notifications.call(
      'listNotifications',
      { userId: user.id, ...query },
      { idempotent: true },
    );
    return { data: data.map(toNotification), pagination: toPagination(pagination, query) };
  }
}
