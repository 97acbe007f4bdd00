import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import type { Counter, Gauge } from 'prom-client';
import { createHash } from 'node:crypto';
import { counter, gauge, MetricsRegistry } from '@ecommerce/observability';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { MemoryTokenBuckets } from './memory-token-buckets';
import { type Bucket, type Decision, RedisTokenBuckets } from './token-buckets';

export interface Caller {
  /** The authenticated user's id, when the token verified. */
  userId?: string;
  ip: string;
  /** Login and register: the email being tried (from the body), if any. */
  email?: string;
}

/** How long the gateway waits at boot for Redis before it serves with the memory fallback. */
const BOOT_WAIT_MS = 2_000;

/**
 * The API's rate limits as token buckets in Redis, shared by every gateway instance. When
 * Redis cannot decide (unreachable, or slower than the command timeout) the request is
 * decided by token buckets in this instance's memory instead, with the same limits: behind
 * N instances a client may then get up to N times its limits, but login and register are
 * never left unlimited. Failing open would hand password guessing the whole API's capacity;
 * failing closed would turn a Redis outage into an outage of the whole API.
 *
 * Every request asks Redis first (ioredis fails fast while disconnected), so the shared
 * buckets are used again as soon as Redis answers; what was counted in memory meanwhile is
 * not carried over. The switch each way is logged once, and shown by the gauge
 * `rate_limit_fallback_active`.
 */
@Injectable()
export class RateLimiter implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly redis: Redis;
  private readonly buckets: RedisTokenBuckets;
  private readonly memory = new MemoryTokenBuckets();
  private readonly fallbackActive: Gauge;
  private readonly fallbackDecisions: Counter<'allowed'>;
  /** Whether requests are decided in memory: since Redis last failed to answer, until it answers. */
  private inFallback = false;
  /** Why Redis is unreachable, as ioredis last reported it: more telling than a refused command. */
  private connectionError: string | undefined;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig, metrics: MetricsRegistry) {
    this.redis = new Redis(config.REDIS_URL, {
      // Fail fast instead of queueing while disconnected, and never wait long on a slow Redis.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 500,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    // Every reconnection attempt fails while Redis is down: the switch to memory is the warning.
    this.redis.on('error', (error: Error) => {
      this.connectionError = error.message;
      this.logger.debug(`Redis: ${error.message}`);
    });
    this.redis.on('ready', () => {
      this.connectionError = undefined;
    });
    this.buckets = new RedisTokenBuckets(this.redis);
    this.fallbackActive = gauge(metrics, {
      name: 'rate_limit_fallback_active',
      help: '1 while this gateway instance decides rate limits in its own memory because Redis is unreachable, else 0',
    });
    this.fallbackActive.set(0);
    this.fallbackDecisions = counter(metrics, {
      name: 'rate_limit_fallback_decisions_total',
      help: 'Rate-limit decisions made in memory while Redis was unreachable, by whether the request was allowed',
      labelNames: ['allowed'],
    });
    for (const allowed of ['true', 'false']) this.fallbackDecisions.inc({ allowed }, 0);
  }

  /**
   * Waits (at most 2 s) for the first connection before the gateway listens: otherwise the
   * first requests of every start would be limited per instance while ioredis is still connecting.
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
    if (!connected) {
      const cause = this.connectionError ? `: ${this.connectionError}` : '';
      this.fallBack(`not reachable within ${BOOT_WAIT_MS} ms of the start${cause}`);
    }
  }

  /** Decided by Redis when it answers, else by this instance's memory buckets. */
  async take(caller: Caller, credentials: boolean): Promise<Decision> {
    const buckets = this.bucketsFor(caller, credentials);
    try {
      const decision = await this.buckets.take(buckets);
      this.recover();
      return decision;
    } catch (error) {
      this.fallBack(this.connectionError ?? (error as Error).message);
      const decision = this.memory.take(buckets);
      this.fallbackDecisions.inc({ allowed: String(decision.allowed) });
      return decision;
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

  private fallBack(cause: string): void {
    if (this.inFallback) return;
    this.inFallback = true;
    this.fallbackActive.set(1);
    this.logger.warn(`Redis unreachable: rate limits enforced per instance in memory until it returns (${cause})`);
  }

  private recover(): void {
    if (!this.inFallback) return;
    this.inFallback = false;
    this.fallbackActive.set(0);
    this.logger.log('Redis reachable again: shared rate limits');
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
