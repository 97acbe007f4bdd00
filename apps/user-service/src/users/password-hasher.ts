import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type Algorithm, hash, type Options, verify } from '@node-rs/argon2';

/**
 * argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane): about 50 ms per hash
 * on one core. The parameters live in each hash string, so raising them later still
 * verifies the hashes stored before.
 */
export const ARGON2_OPTIONS: Options = {
  // @node-rs/argon2's Algorithm is a const enum, which isolatedModules cannot read: 2 is Argon2id.
  algorithm: 2 as Algorithm,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

/** Hashing runs on libuv's thread pool: a login never blocks the event loop. */
@Injectable()
export class PasswordHasher {
  // Made at start, so the first unknown-email login is not the one slow, telling answer.
  private readonly dummyHash = this.hash(randomUUID());

  hash(password: string): Promise<string> {
    return hash(password, ARGON2_OPTIONS);
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return verify(passwordHash, password);
  }

  /**
   * Does the work of a verification that fails, for a login whose email has no account: it
   * then takes as long as a wrong password, so response times do not reveal which emails
   * are registered.
   */
  async verifyNothing(password: string): Promise<false> {
    await verify(await this.dummyHash, password);
    return false;
  }
}
