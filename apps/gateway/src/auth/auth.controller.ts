import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Backends } from '../backends/backends';
import { ApiJson, ApiProblems } from '../openapi/openapi';
import { CredentialsRateLimit } from '../rate-limit/rate-limit.decorators';
import { toUser } from '../users/users.mapper';
import { type UserResponse, userSchema } from '../users/users.schemas';
import { Validate } from '../validation/validation';
import { Public } from './auth.decorators';
import { loginBody, registerBody, tokenSchema } from './auth.schemas';

@ApiTags('auth')
@Public()
@CredentialsRateLimit()
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly backends: Backends) {}

  @Post('register')
  @ApiOperation({ summary: 'Create a customer account' })
  @Validate({ body: registerBody })
  @ApiJson(201, userSchema, 'the new account')
  @ApiProblems(400, 409, 413)
  async register(@Body() body: z.output<typeof registerBody>): Promise<UserResponse> {
    const { user } = await this.backends.users.call('register', body);
    return toUser(user);
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange email and password for an access token' })
  @Validate({ body: loginBody })
  @ApiJson(200, tokenSchema, 'an access token')
  @ApiProblems(400, 401, 413)
  async login(@Body() body: z.output<typeof loginBody>): Promise<z.output<typeof tokenSchema>> {
    const token = await this.backends.users.call('login', body, { idempotent: true });
    return { accessToken: token.accessToken, tokenType: 'Bearer', expiresIn: token.expiresIn };
  }
}
