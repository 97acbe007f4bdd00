import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import type { AuthenticatedUser } from '../auth/token-verifier';
import { Backends } from '../backends/backends';
import { idParams, paginationQuery, toPagination } from '../common/pagination';
import { ApiJson, ApiProblems } from '../openapi/openapi';
import { ProblemException } from '../problem-details/problem-details';
import { Validate } from '../validation/validation';
import { toUser } from './users.mapper';
import { updateMeBody, type UserResponse, userPageSchema, userSchema } from './users.schemas';

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly backends: Backends) {}

  @Get('me')
  @ApiOperation({ summary: 'The calling user' })
  @ApiJson(200, userSchema, 'the caller')
  @ApiProblems(401, 404)
  async me(@CurrentUser() caller: AuthenticatedUser): Promise<UserResponse> {
    const { user } = await this.backends.users.call('getUser', { id: caller.id }, { idempotent: true });
    return toUser(user);
  }

  @Patch('me')
  @ApiOperation({ summary: 'Change the calling user’s name' })
  @Validate({ body: updateMeBody })
  @ApiJson(200, userSchema, 'the caller, changed')
  @ApiProblems(400, 401, 404)
  async updateMe(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: z.output<typeof updateMeBody>,
  ): Promise<UserResponse> {
    const { user } = await this.backends.users.call('updateUser', { id: caller.id, name: body.name }, { idempotent: true });
    return toUser(user);
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'List users, newest first (admin)' })
  @Validate({ query: paginationQuery })
  @ApiJson(200, userPageSchema, 'one page of users')
  @ApiProblems(400, 401, 403)
  async list(@Query() query: z.output<typeof paginationQuery>): Promise<z.output<typeof userPageSchema>> {
    const { data, pagination } = await this.backends.users.call('listUsers', query, { idempotent: true });
    return { data: data.map(toUser), pagination: toPagination(pagination, query) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One user (admin, or the user itself)' })
  @Validate({ params: idParams })
  @ApiJson(200, userSchema, 'the user')
  @ApiProblems(400, 401, 404)
  async get(@CurrentUser() caller: AuthenticatedUser, @Param() { id }: z.output<typeof idParams>): Promise<UserResponse> {
    // Another customer's account is reported exactly like a missing one.
    if (caller.role !== 'admin' && caller.id !== id) throw ProblemException.of(404, 'No such user.');
    const { user } = await this.backends.users.call('getUser', { id }, { idempotent: true });
    return toUser(user);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a user (admin)' })
  @Validate({ params: idParams })
  @ApiResponse({ status: 204, description: 'deleted' })
  @ApiProblems(400, 401, 403, 404)
  async remove(@Param() { id }: z.output<typeof idParams>): Promise<void> {
    await this.backends.users.call('deleteUser', { id });
  }
}
