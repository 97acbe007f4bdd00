import { Logger } from '@nestjs/common';
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWSHeaderParameters, type FlattenedJWSInput, type KeyLike } from 'jose';

export interface JwksCacheOptions {
  /** Unknown `kid`s refetch the keys at most this often: a flood of made-up kids costs one fetch per interval. */
  minRefreshIntervalMs: number;
  /** Keys older than this are refetched on the next use (a rotated-out key stops verifying). */
  maxAgeMs: number;
  now?: () => number;
}

interface KeySet {
  jwks: JSONWebKeySet;
  getKey: ReturnType<typeof createLocalJWKSet>;
  fetchedAt: number;
}

/**
 * The user service's public signing keys, fetched on first use and kept. A token signed
 * with a key the cache does not know (the user service rotated its key) triggers a refresh,
 * rate-limited by `minRefreshIntervalMs`; concurrent refreshes share one fetch. When a
 * refresh fails the keys already known keep working; with none known the error propagates
 * (the client sees 503, not a misleading 401).
 */
export class JwksCache {
  private readonly logger = new Logger(JwksCache.name);
  private keySet: KeySet | undefined;
  private refreshing: Promise<KeySet> | undefined;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;

  constructor(
    private readonly fetchJwks: () => Promise<JSONWebKeySet>,
    private readonly options: JwksCacheOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The public keys, as served at /.well-known/jwks.json. */
  async jwks(): Promise<JSONWebKeySet> {
    return (await this.current()).jwks;
  }

  /** A jose key resolver: the key for a token's header, refreshing once for an unknown kid. */
  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<KeyLike> => {
    const keySet = await this.current();
    try {
      return await keySet.getKey(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || !this.mayRefresh()) throw error;
      return (await this.refresh()).getKey(header, token);
    }
  };

  private async current(): Promise<KeySet> {
    if (!this.keySet) return this.refresh();
    if (this.now() - this.keySet.fetchedAt > this.options.maxAgeMs && this.mayRefresh()) {
      return this.refresh().catch((error: unknown) => {
        this.logger.warn(`could not refresh the signing keys, keeping the known ones: ${String(error)}`);
        return this.keySet as KeySet;
      });
    }
    return this.keySet;
  }

  private mayRefresh(): boolean {
    return this.now() - this.lastAttemptAt >= this.options.minRefreshIntervalMs;
  }

  private refresh(): Promise<KeySet> {
    this.refreshing ??= this.fetch().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async fetch(): Promise<KeySet> {
    this.lastAttemptAt = this.now();
    const jwks = await this.fetchJwks();
    this.keySet = { jwks, getKey: createLocalJWKSet(jwks), fetchedAt: this.now() };
    return this.keySet;
  }
}
