import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { Authenticator } from './authenticator';
import { JwksController } from './jwks.controller';

@Module({
  controllers: [AuthController, JwksController],
  providers: [Authenticator, AuthGuard],
  exports: [Authenticator, AuthGuard],
})
export class AuthModule {}
