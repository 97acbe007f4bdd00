import { Inject, Injectable } from '@nestjs/common';
import { METRICS_READ_TIMEOUT_MS, timeBoxed } from '@ecommerce/messaging';
import { counter, createLogger, gauge, MetricsRegistry } from '@ecommerce/observability';
import { SERVICE_CONFIG } from '@ecommerce/config';
import type { Counter } from 'prom-client';
import { SERVICE_NAME, type ServiceConfig } from '../config';
import { DeliveryRepository } from './delivery.repository';

/** What became of one delivery attempt. */
export type AttemptOutcome = 'sent' | 'retry' | 'failed';

/**
 * - `notifications{status}`: PENDING and FAILED notifications now, counted at scrape time (SENT
 *   is left out: it only grows; its rate is the attempts counter's `sent`);
 * - `notification_oldest_pending_age_seconds`: how long the oldest PENDING one has waited, at
 *   scrape time; it climbs through a mail server outage and falls back once delivery resumes;
 * - `notification_delivery_attempts_total{outcome}`: every attempt, by what became of it.
 *
 * A scrape never hangs on a slow database: the read gives up after 2 s and the gauges keep
 * their last values.
 */
@Injectable()
export class DeliveryMetrics {
  private readonly attempts: Counter<'outcome'>;

  constructor(
    registry: MetricsRegistry,
    repository: DeliveryRepository,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
  ) {
    const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL).child({
      component: 'delivery-metrics',
    });
    // prom-client collects every metric of a scrape at once: the second gauge joins the first's read.
    const current = timeBoxed('notification backlog', METRICS_READ_TIMEOUT_MS, logger, () =>
      repository.backlog(),
    );
    gauge(registry, {
      name: 'notifications',
      help: 'Notifications not sent (yet), by status: PENDING (waiting for an attempt or a retry) and FAILED',
      labelNames: ['status'],
      async collect() {
        const value = await current();
        if (!value) return;
        this.set({ status: 'PENDING' }, value.pending);
        this.set({ status: 'FAILED' }, value.failed);
      },
    });
    gauge(registry, {
      name: 'notification_oldest_pending_age_seconds',
      help: 'How long the oldest PENDING notification has waited since it was recorded (0 when none waits)',
      async collect() {
        const value = await current();
        if (!value) return;
        this.set(
          value.oldestPendingAt
            ? Math.max(0, (Date.now() - value.oldestPendingAt.getTime()) / 1_000)
            : 0,
        );
      },
    });
    this.attempts = counter(registry, {
      name: 'notification_delivery_attempts_total',
      help: 'Delivery attempts, by outcome: sent, retry (refused for now or unreachable), failed (given up)',
      labelNames: ['outcome'],
    });
    for (const outcome of ['sent', 'retry', 'failed'] as const) this.attempts.inc({ outcome }, 0);
  }

  attempt(outcome: AttemptOutcome): void {
    this.attempts.inc({ outcome });
  }
}
