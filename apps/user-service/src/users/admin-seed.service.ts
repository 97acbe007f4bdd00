import { Inject, Injectable, Logger } from '@nestjs/common';
import { type ServiceConfig } from '../config';
import { SERVICE_CONFIG } from '@ecommerce/config';
import type { ReadinessCheck } from '@ecommerce/observability';
import { PasswordHasher } from './password-hasher';
import { UsersRepository } from './users.repository';
import { normaliseEmail } from './users.validation';

const ADMIN_NAME = 'Administrator';

/**
 * Creates the admin account from ADMIN_EMAIL / ADMIN_PASSWORD when no account has that
 * email. An existing account is never changed: its password may have been changed since,
 * and a restart must not undo that.
 */
@Injectable()
export class AdminSeed implements ReadinessCheck {
  private readonly logger = new Logger(AdminSeed.name);
  private seeded?: Promise<void>;

  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordHasher,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  /** Readiness: SERVING only once the admin account exists. */
  checkReady(): Promise<void> {
    return this.ensureSeeded();
  }

  /** Seeds once per process; a failure (the database is down) is retried on the next call. */
  ensureSeeded(): Promise<void> {
    this.seeded ??= this.seed().catch((error: unknown) => {
      this.seeded = undefined;
      throw error;
    });
    return this.seeded;
  }

  private async seed(): Promise<void> {
    const { ADMIN_EMAIL, ADMIN_PASSWORD } = this.config;
    if (!ADMIN_EMAIL || !ADMIN_PASSWORD) {
      // Only possible outside production, where the config schema requires both.
      this.logger.warn('ADMIN_EMAIL or ADMIN_PASSWORD is not set: no admin account is seeded');
      return;
    }
    const email = normaliseEmail(ADMIN_EMAIL);
    if (await this.reportExisting(email)) return;

    const passwordHash = await this.passwords.hash(ADMIN_PASSWORD);
    // INSERT ... ON CONFLICT DO NOTHING: instances starting together cannot create two
    // admins, and none of them fails because another one got there first. The one that created
    // it also announces it (UserRegistered, same transaction), so the admin gets emails too.
    const admin = await this.users.registerIfAbsent({
      email,
      name: ADMIN_NAME,
      passwordHash,
      role: 'admin',
    });
    if (admin) this.logger.log('seeded the admin account (ADMIN_EMAIL)');
    else await this.reportExisting(email);
  }

  private async reportExisting(email: string): Promise<boolean> {
    const role = await this.users.findRoleByEmail(email);
    if (!role) return false;
    // The address itself is not logged: log lines carry no personal data.
    if (role === 'admin') this.logger.log('the admin account (ADMIN_EMAIL) exists: left unchanged');
    else this.logger.warn(`ADMIN_EMAIL belongs to a ${role}, not an admin: left unchanged`);
    return true;
  }
}
