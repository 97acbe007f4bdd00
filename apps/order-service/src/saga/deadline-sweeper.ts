import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { SERVICE_CONFIG } from '@ecommerce/config';
import { type ServiceConfig } from '../config';
import { OrderRepository } from '../order-store/order.repository';
import { SagaService } from './saga.service';

/** Sagas timed out per transaction: a long backlog is worked off in several short ones. */
const BATCH = 20;

/**
 * Every `SAGA_SWEEP_INTERVAL_MS`, cancels the sagas still waiting for a reply past their
 * deadline (reason TIMEOUT, docs/saga.md). Each batch is one transaction that locks its sagas
 * with `FOR UPDATE SKIP LOCKED`, so sweepers of several instances never time out the same
 * saga twice, and a saga a reply is being applied to right now is left to the next sweep
 * (which finds it done, or still overdue).
 */
@Injectable()
export class DeadlineSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('deadline-sweeper');
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private stopped = false;
  private failing = false;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly repository: OrderRepository,
    private readonly saga: SagaService,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  /** Stops sweeping; waits for a sweep in progress (before the database closes). */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.sweeping;
  }

  /** Times out every overdue saga; resolves to how many. */
  async sweep(now = new Date()): Promise<number> {
    // Nearly always nothing is overdue: one read-only statement says so, not a locking
    // transaction of three.
    if (!(await this.repository.anyOverdueSaga(now))) return 0;
    let total = 0;
    for (;;) {
      const count = await this.repository.transaction(async (tx) => {
        const overdue = await this.repository.lockOverdueSagas(tx, now, BATCH);
        for (const orderId of overdue)
          await this.saga.apply(tx, orderId, { type: 'DeadlinePassed' });
        return overdue.length;
      });
      total += count;
      if (count < BATCH || this.stopped) return total;
    }
  }

  // A timeout after each sweep, not an interval: sweeps never overlap.
  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.sweeping = this.sweep()
        .then((count) => {
          if (count > 0) this.logger.log(`timed out ${count} saga(s)`);
          this.failing = false;
        })
        .catch((error: unknown) => {
          // Once per outage, not once per interval.
          if (!this.failing) this.logger.warn(`sweep failed, retrying: ${String(error)}`);
          this.failing = true;
        })
        .finally(() => this.schedule());
    }, this.config.SAGA_SWEEP_INTERVAL_MS);
  }
}
