import type { Tx } from '../database';
import type { OrderSnapshot, SagaDecision, SagaEvent } from '../domain/order-saga';

/**
 * What placing and cancelling an order ask of its saga, inside their own transaction: start
 * it, apply an event to it. saga/'s `SagaService` is the implementation (`SagaModule` provides
 * it under this class). It is declared here, beside the store both folders use, so that
 * orders/ needs nothing from saga/ and saga/ nothing from orders/.
 */
export abstract class SagaSteps {
  /** Starts a new order's saga: RESERVING, ReserveInventory and OrderCreated in the outbox. */
  abstract start(tx: Tx, order: OrderSnapshot, traceparent: string | undefined): Promise<void>;

  /**
   * Applies `event` to the order's saga under its row lock. Messages carry `traceparent`, else
   * the one of the request that placed the order. Undefined when the order has no saga.
   */
  abstract apply(
    tx: Tx,
    orderId: string,
    event: SagaEvent,
    traceparent?: string,
  ): Promise<SagaDecision | undefined>;
}
