import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { createHash } from 'node:crypto';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { type Bucket, type Decision, RedisTokenBuckets } from './token-buckets';

export interface Caller {
  /** The authenticated user's id, when the token verified. */
  userId?: string;
  ip: string;
  /** Login and register: the email being tried (from the body), if any. */
  email?: string;
}

const WARN_EVERY_MS = 10_000;
/** How long the gateway waits at boot for Redis before it serves (failing open) without it. */
const BOOT_WAIT_MS = 2_000;

/**
 * The API's rate limits as token buckets in Redis. When Redis cannot be reached the
 * gateway fails OPEN: requests pass and a warning is logged (at most every 10 s). Rate
 * limiting protects the backends from abuse; turning a Redis outage into an outage of the
 * whole API would be the bigger harm, and passwords stay protected by argon2's cost.
 */
@Injectable()
export class RateLimiter implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly redis: Redis;
  private readonly buckets: RedisTokenBuckets;
  private lastWarningAt = 0;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.redis = new Redis(config.REDIS_URL, {
      // Fail fast instead of queueing while disconnected, and never wait long on a slow Redis.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 500,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    this.redis.on('error', (error: Error) => this.warn(`Redis: ${error.message}`));
    this.buckets = new RedisTokenBuckets(this.redis);
  }

  /**
   * Waits (at most 2 s) for the first connection before the gateway listens: otherwise the
   * first requests of every start would pass unlimited while ioredis is still connecting.
   */
  async onModuleInit(): Promise<void> {
    if (this.redis.status === 'ready') return;
    let timer: NodeJS.Timeout | undefined;
    const connected = await Promise.race([
      new Promise<boolean>((resolve) => this.redis.once('ready', () => resolve(true))),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), BOOT_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (!connected) this.warn(`Redis not reachable within ${BOOT_WAIT_MS} ms: serving without rate limits until it is`);
  }

  /** undefined when Redis could not decide (the request is let through). */
  async take(caller: Caller, credentials: boolean): Promise<Decision | undefined> {
    try {
      return await this.buckets.take(this.bucketsFor(caller, credentials));
    } catch (error) {
      this.warn(`rate limiting skipped, Redis unavailable: ${(error as Error).message}`);
      return undefined;
    }
  }

  bucketsFor(caller: Caller, credentials: boolean): Bucket[] {
    const { RATE_LIMIT_PREFIX: prefix, RATE_LIMIT_BURST, RATE_LIMIT_PER_SECOND, AUTH_RATE_LIMIT_PER_MINUTE } = this.config;
    const buckets: Bucket[] = [
      {
        key: caller.userId ? `${prefix}:user:${caller.userId}` : `${prefix}:ip:${caller.ip}`,
        capacity: RATE_LIMIT_BURST,
        perSecond: RATE_LIMIT_PER_SECOND,
      },
    ];
    if (credentials) {
      const login = { capacity: AUTH_RATE_LIMIT_PER_MINUTE, perSecond: AUTH_RATE_LIMIT_PER_MINUTE / 60 };
      buckets.push({ key: `${prefix}:credentials:ip:${caller.ip}`, ...login });
      // Hashed: no email addresses in Redis keys.
      if (caller.email) buckets.push({ key: `${prefix}:credentials:email:${sha256(caller.email.trim().toLowerCase())}`, ...login });
    }
    return buckets;
  }

  private warn(message: string): void {
    const now = Date.now();
    if (now - this.lastWarningAt < WARN_EVERY_MS) return;
    this.lastWarningAt = now;
    this.logger.warn(message);
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
