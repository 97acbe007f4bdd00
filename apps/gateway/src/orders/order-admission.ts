import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Counter } from 'prom-client';
import { counter, MetricsRegistry } from '@ecommerce/observability';
import { Backends } from '../backends/backends';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { ProblemException } from '../problem-details/problem-details';

/** Where the backlog comes from: order-service's GetOrderBacklog, or a fake in a test. */
export type BacklogSource = () => Promise<number>;

/** What the client is told to wait before it tries again, in seconds. */
export const ADMISSION_RETRY_AFTER_SECONDS = 1;

/**
 * Admission control on POST /orders. Past ORDER_BACKLOG_LIMIT orders in progress, a new order
 * would only queue behind the others and run into its saga's timeout: it is refused at once
 * with a 503 and Retry-After instead, and the orders already accepted keep the platform's full
 * capacity. The backlog is read from order-service at most once per ORDER_BACKLOG_CACHE_MS,
 * one read at a time, however many orders arrive. When it cannot be read, orders are let
 * through: order-service itself then answers them (a 503 if it is down).
 */
export class OrderAdmission {
  private readonly logger = new Logger(OrderAdmission.name);
  private known: { pending: number; readAt: number } | undefined;
  private reading: Promise<void> | undefined;

  constructor(
    private readonly backlog: BacklogSource,
    private readonly limit: number,
    private readonly cacheMs: number,
    private readonly refused?: Counter,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when a new order may go in; sets Retry-After and throws the 503 when not. */
  async admit(reply: Pick<FastifyReply, 'header'>): Promise<void> {
    const pending = await this.pending();
    if (pending === undefined || pending < this.limit) return;
    this.refused?.inc();
    reply.header('Retry-After', String(ADMISSION_RETRY_AFTER_SECONDS));
    throw ProblemException.of(503, `Too many orders in progress. Retry in ${ADMISSION_RETRY_AFTER_SECONDS} s.`);
  }

  private async pending(): Promise<number | undefined> {
    if (this.limit === 0) return 0;
    if (this.known && this.now() - this.known.readAt < this.cacheMs) return this.known.pending;
    this.reading ??= this.backlog()
      .then((pending) => {
        this.known = { pending, readAt: this.now() };
      })
      .catch((error: unknown) => {
        this.known = undefined;
        this.logger.warn(`order backlog unknown, orders admitted: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        this.reading = undefined;
      });
    await this.reading;
    return this.known?.pending;
  }
}

/** {@link OrderAdmission} for the gateway: order-service's backlog, the configured bound, a metric. */
@Injectable()
export class OrderAdmissionControl extends OrderAdmission {
  constructor(backends: Backends, @Inject(GATEWAY_CONFIG) config: GatewayConfig, metrics: MetricsRegistry) {
    super(
      async () => (await backends.orders.call('getOrderBacklog', {}, { idempotent: true })).pendingOrders,
      config.ORDER_BACKLOG_LIMIT,
      config.ORDER_BACKLOG_CACHE_MS,
      counter(metrics, {
        name: 'orders_refused_total',
        help: 'POST /orders refused with 503 because the orders in progress were past ORDER_BACKLOG_LIMIT',
      }),
    );
  }
}
