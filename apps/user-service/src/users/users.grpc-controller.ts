import { Controller, UseFilters } from '@nestjs/common';
import { userV1 } from '@ecommerce/contracts';
import { SigningKeysService } from '../tokens/signing-keys.service';
import { CredentialsService } from './credentials.service';
import { userErrors } from './users.errors';
import { UsersService } from './users.service';

/** ecommerce.user.v1.UserService over gRPC; every failure leaves through userErrors.Filter. */
@Controller()
@UseFilters(userErrors.Filter)
@userV1.UserServiceControllerMethods()
export class UsersGrpcController implements userV1.UserServiceController {
  constructor(
    private readonly users: UsersService,
    private readonly credentials: CredentialsService,
    private readonly signingKeys: SigningKeysService,
  ) {}

  async register(request: userV1.RegisterRequest): Promise<userV1.RegisterResponse> {
    return { user: await this.users.register(request) };
  }

  login(request: userV1.LoginRequest): Promise<userV1.LoginResponse> {
    return this.credentials.login(request);
  }

  async getUser(request: userV1.GetUserRequest): Promise<userV1.GetUserResponse> {
    return { user: await this.users.get(request) };
  }

  async updateUser(request: userV1.UpdateUserRequest): Promise<userV1.UpdateUserResponse> {
    return { user: await this.users.update(request) };
  }

  listUsers(request: userV1.ListUsersRequest): Promise<userV1.ListUsersResponse> {
    return this.users.list(request);
  }

  async deleteUser(request: userV1.DeleteUserRequest): Promise<userV1.DeleteUserResponse> {
    await this.users.delete(request);
    return {};
  }

  async getJwks(): Promise<userV1.GetJwksResponse> {
    const keys = await this.signingKeys.jwks();
    // The proto's Jwk has RSA fields too; an OKP key leaves them empty.
    return { keys: keys.map((key) => ({ ...key, n: '', e: '' })) };
  }
}
