import { Injectable } from '@nestjs/common';
import type { userV1 } from '@ecommerce/contracts';
import { AccessTokenIssuer } from '../tokens/access-token-issuer';
import { PasswordHasher } from './password-hasher';
import { userErrors } from './users.errors';
import { UsersRepository } from './users.repository';
import { normaliseEmail } from './users.validation';

/** Login: a password checked against its argon2id hash, answered with an access token. */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordHasher,
    private readonly tokens: AccessTokenIssuer,
  ) {}

  async login(request: userV1.LoginRequest): Promise<userV1.LoginResponse> {
    const user = await this.users.findCredentials(normaliseEmail(request.email));
    // Exactly one argon2 verification either way: an unknown email costs as much time as a
    // wrong password, and both get the same error.
    const valid = user
      ? await this.passwords.verify(user.passwordHash, request.password)
      : await this.passwords.verifyNothing(request.password);
    if (!user || !valid) throw userErrors.create('INVALID_CREDENTIALS', 'invalid email or password');

    const { accessToken, expiresIn } = await this.tokens.issue({ id: user.id, role: user.role });
    return { accessToken, tokenType: 'Bearer', expiresIn };
  }
}
