import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module';
import { AdminSeed } from './admin-seed.service';
import { CredentialsService } from './credentials.service';
import { PasswordHasher } from './password-hasher';
import { UsersGrpcController } from './users.grpc-controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** Accounts and their credentials, served as ecommerce.user.v1.UserService. */
@Module({
  imports: [TokensModule],
  controllers: [UsersGrpcController],
  providers: [UsersService, CredentialsService, PasswordHasher, AdminSeed, UsersRepository],
  exports: [AdminSeed],
})
export class UsersModule {}
