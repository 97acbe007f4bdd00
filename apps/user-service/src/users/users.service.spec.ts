import { DomainError } from '@ecommerce/errors';
import type { PasswordHasher } from './password-hasher';
import type { NewUser, User } from './user';
import type { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

const id = '6f1c2a4e-8a7d-4a8e-9d61-1f0a3b2c4d5e';
const ada: User = {
  id,
  email: 'ada@example.com',
  name: 'Ada',
  role: 'customer',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:00Z'),
};
const hasher = {
  hash: async (password: string) => `hash(${password})`,
} as unknown as PasswordHasher;

/** The code of the DomainError a call failed with. */
async function errorCode(call: Promise<unknown>): Promise<string | undefined> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return (error as DomainError).code;
}

describe('UsersService', () => {
  it('registers a customer with the validated input and the hash, never the password', async () => {
    const registered: NewUser[] = [];
    const users = {
      register: async (user: NewUser) => {
        registered.push(user);
        return ada;
      },
    } as unknown as UsersRepository;
    const service = new UsersService(users, hasher);
    await expect(
      service.register({ email: ' ada@example.com ', password: 'correct-horse', name: ' Ada ' }),
    ).resolves.toMatchObject({ id, email: 'ada@example.com', name: 'Ada' });
    expect(registered).toEqual([
      {
        email: 'ada@example.com',
        name: 'Ada',
        passwordHash: 'hash(correct-horse)',
        role: 'customer',
      },
    ]);
  });

  it('answers EMAIL_TAKEN when the repository finds the email taken', async () => {
    const users = { register: async () => undefined } as unknown as UsersRepository;
    const service = new UsersService(users, hasher);
    await expect(
      errorCode(
        service.register({ email: 'ada@example.com', password: 'correct-horse', name: 'Ada' }),
      ),
    ).resolves.toBe('EMAIL_TAKEN');
  });

  it('renames only when a name is given, and answers USER_NOT_FOUND for no such user', async () => {
    const renamed: string[] = [];
    const users = {
      findById: async () => ada,
      rename: async (_id: string, name: string) => {
        renamed.push(name);
        return name === 'Grace' ? { ...ada, name } : undefined;
      },
    } as unknown as UsersRepository;
    const service = new UsersService(users, hasher);
    await expect(service.update({ id })).resolves.toMatchObject({ name: 'Ada' });
    expect(renamed).toEqual([]);
    await expect(service.update({ id, name: 'Grace' })).resolves.toMatchObject({ name: 'Grace' });
    await expect(errorCode(service.update({ id, name: 'Nobody' }))).resolves.toBe('USER_NOT_FOUND');
  });

  it('pages with the offset of the requested page, and counts the pages', async () => {
    const asked: [number, number][] = [];
    const users = {
      page: async (skip: number, take: number) => {
        asked.push([skip, take]);
        return { users: [ada], total: 21 };
      },
    } as unknown as UsersRepository;
    const service = new UsersService(users, hasher);
    const { pagination, data } = await service.list({ page: 3, limit: 10 });
    expect(asked).toEqual([[20, 10]]);
    expect(pagination).toEqual({ page: 3, limit: 10, total: 21, pages: 3 });
    expect(data.map((user) => user.id)).toEqual([id]);
  });

  it('answers USER_NOT_FOUND when there was nothing to delete', async () => {
    const deleted: string[] = [];
    const users = {
      delete: async (userId: string) => {
        deleted.push(userId);
        return deleted.length === 1;
      },
    } as unknown as UsersRepository;
    const service = new UsersService(users, hasher);
    await expect(service.delete({ id })).resolves.toBeUndefined();
    await expect(errorCode(service.delete({ id }))).resolves.toBe('USER_NOT_FOUND');
    expect(deleted).toEqual([id, id]);
  });
});
