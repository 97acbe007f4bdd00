import { DomainError } from '@ecommerce/errors';
import type { AccessTokenIssuer } from '../tokens/access-token-issuer';
import { CredentialsService } from './credentials.service';
import type { PasswordHasher } from './password-hasher';
import type { UserCredentials } from './user';
import type { UsersRepository } from './users.repository';

/**
 * An unknown email must cost one argon2 verification, like a wrong password, so response
 * times do not tell which emails have accounts. Checked by counting the work, not by timing
 * it (timings on a shared machine prove nothing).
 */
describe('CredentialsService.login', () => {
  const user: UserCredentials = { id: 'u1', role: 'customer', passwordHash: '$argon2id$stored' };

  function setup(found: UserCredentials | null, passwordMatches = false) {
    const calls: string[] = [];
    const lookups: string[] = [];
    const users = {
      findCredentials: async (email: string) => {
        lookups.push(email);
        return found;
      },
    } as unknown as UsersRepository;
    const passwords = {
      verify: async () => {
        calls.push('verify');
        return passwordMatches;
      },
      verifyNothing: async () => {
        calls.push('verifyNothing');
        return false as const;
      },
    } as unknown as PasswordHasher;
    const tokens = {
      issue: async () => ({ accessToken: 'token', expiresIn: 900 }),
    } as unknown as AccessTokenIssuer;
    return { service: new CredentialsService(users, passwords, tokens), calls, lookups };
  }

  it('verifies against the dummy hash when the email is unknown, and refuses', async () => {
    const { service, calls } = setup(null);
    const error = await service
      .login({ email: 'nobody@example.com', password: 'whatever1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('INVALID_CREDENTIALS');
    expect(calls).toEqual(['verifyNothing']);
  });

  it('verifies the stored hash once for a known email with a wrong password, with the same error', async () => {
    const { service, calls } = setup(user, false);
    const error = await service
      .login({ email: 'ada@example.com', password: 'wrong-password' })
      .catch((e: unknown) => e);
    expect((error as DomainError).code).toBe('INVALID_CREDENTIALS');
    expect(calls).toEqual(['verify']);
  });

  it('issues a bearer token for the right password', async () => {
    const { service, calls } = setup(user, true);
    await expect(
      service.login({ email: 'ada@example.com', password: 'right-password' }),
    ).resolves.toEqual({
      accessToken: 'token',
      tokenType: 'Bearer',
      expiresIn: 900,
    });
    expect(calls).toEqual(['verify']);
  });

  it('looks the account up by the email as stored: trimmed, case kept', async () => {
    const { service, lookups } = setup(user, true);
    await service.login({ email: '  Ada@Example.com ', password: 'right-password' });
    expect(lookups).toEqual(['Ada@Example.com']);
  });
});
