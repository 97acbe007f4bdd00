import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { JSONWebKeySet } from 'jose';
import { ApiJson, ApiProblems } from '../openapi/openapi';
import { Public } from './auth.decorators';
import { jwksSchema } from './auth.schemas';
import { Authenticator } from './authenticator';

@ApiTags('auth')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly authenticator: Authenticator) {}

  @Get('jwks.json')
  @Public()
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'The public keys that verify access tokens (JWKS)' })
  @ApiJson(200, jwksSchema, 'the key set')
  @ApiProblems()
  jwks(): Promise<JSONWebKeySet> {
    return this.authenticator.keys.jwks();
  }
}
