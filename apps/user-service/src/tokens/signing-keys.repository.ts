import { Injectable } from '@nestjs/common';
import { isUniqueViolation } from '@ecommerce/database';
import { PrismaService } from '../database';
import type { PublicJwk } from './signing-key';

/** A stored signing key: enough to sign with it. */
export interface StoredSigningKey {
  kid: string;
  privateKeyPem: string;
}

/**
 * The `signing_keys` table: keys the service generated itself (development only), at most one
 * of them active (a partial unique index), the others retired at a known time.
 */
@Injectable()
export class SigningKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The active key, if one is stored. */
  findActive(): Promise<StoredSigningKey | null> {
    return this.prisma.signingKey.findFirst({ where: { active: true } });
  }

  /** The active key; throws when there is none. */
  getActive(): Promise<StoredSigningKey> {
    return this.prisma.signingKey.findFirstOrThrow({ where: { active: true } });
  }

  /**
   * Stores a key as the active one. False when another key is active already (another instance
   * booting at the same moment stored its key first): nothing is stored then.
   */
  async insertActive(key: StoredSigningKey & { publicJwk: PublicJwk }): Promise<boolean> {
    try {
      await this.prisma.signingKey.create({
        data: { kid: key.kid, privateKeyPem: key.privateKeyPem, publicJwk: { ...key.publicJwk } },
      });
      return true;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return false;
    }
  }

  /** Retires the active key, now; resolves to the number of keys retired (0 or 1). */
  async retireActive(): Promise<number> {
    const { count } = await this.prisma.signingKey.updateMany({
      where: { active: true },
      data: { active: false, retiredAt: new Date() },
    });
    return count;
  }

  /**
   * The stored public JWKs of the active key and of keys retired after `retiredSince`, newest
   * first, as stored (the caller checks them).
   */
  async publicJwks(retiredSince: Date): Promise<unknown[]> {
    const rows = await this.prisma.signingKey.findMany({
      where: { OR: [{ active: true }, { retiredAt: { gt: retiredSince } }] },
      orderBy: { createdAt: 'desc' },
      select: { publicJwk: true },
    });
    return rows.map((row) => row.publicJwk);
  }
}
