import { Inject, Injectable, Logger } from '@nestjs/common';
import { afterCommit } from '@ecommerce/messaging';
import { SERVICE_CONFIG } from '@ecommerce/config';
import { type ServiceConfig } from '../config';
import type { Tx } from '../database';
import {
  type OrderSnapshot,
  type SagaDecision,
  type SagaEvent,
  decide,
  startSaga,
} from '../domain/order-saga';
import { OrderRepository } from '../order-store/order.repository';
import type { SagaSteps } from '../order-store/saga-steps';
import { SagaMetrics, sagaOutcome } from './saga-metrics';

/**
 * Runs the saga's steps, each inside the caller's transaction: the gRPC use cases' (placing,
 * cancelling), the inbox consumer's (one per reply, with the inbox row) and the sweeper's.
 * A step that confirms or cancels the order is counted in the saga metrics once its
 * transaction commits (a transaction that reaches one must come from `withAfterCommit`, as
 * `OrderRepository.transaction` does). orders/ reaches it as `SagaSteps`.
 */
@Injectable()
export class SagaService implements SagaSteps {
  private readonly logger = new Logger('saga');

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly repository: OrderRepository,
    private readonly metrics: SagaMetrics,
  ) {}

  /** Starts a new order's saga: RESERVING, ReserveInventory and OrderCreated in the outbox. */
  async start(tx: Tx, order: OrderSnapshot, traceparent: string | undefined): Promise<void> {
    await this.repository.createSaga(
      tx,
      order,
      startSaga(order, new Date(), this.config.SAGA_TIMEOUT_MS),
      traceparent,
    );
  }

  /**
   * Applies `event` to the order's saga under its row lock. Messages carry `traceparent`, else
   * the one of the request that placed the order. Undefined when the order has no saga.
   */
  async apply(
    tx: Tx,
    orderId: string,
    event: SagaEvent,
    traceparent?: string,
  ): Promise<SagaDecision | undefined> {
    const locked = await this.repository.lockSaga(tx, orderId);
    if (!locked) return undefined;
    const now = new Date();
    const decision = decide(locked.saga, locked.order, event, now);
    await this.repository.saveStep(
      tx,
      locked,
      decision,
      traceparent ?? locked.traceparent ?? undefined,
    );
    const outcome = sagaOutcome(locked.order, decision, now);
    if (outcome) afterCommit(tx, () => this.metrics.record(outcome));
    const what = `saga ${orderId}: ${event.type} ${decision.outcome}`;
    if (decision.outcome === 'applied' || decision.outcome === 'compensated') {
      const steps = decision.timeline.map((entry) => entry.step).join(', ');
      const sent = decision.messages.map((message) => message.name).join(', ');
      this.logger.log(
        `${what}: ${locked.saga.state} → ${decision.saga.state}` +
          (steps ? `; recorded ${steps}` : '') +
          (sent ? `; sent ${sent}` : ''),
      );
    } else {
      this.logger.log(`${what}: ${decision.note ?? ''}`);
    }
    return decision;
  }
}
