import { Injectable } from '@nestjs/common';
import { EVENTS } from '@ecommerce/contracts';
import {
  type ConsumerHandlers,
  type EventConsumer,
  type InboundEvent,
  PoisonMessageError,
} from '@ecommerce/messaging';
import { isUuid } from '@ecommerce/validation';
import type { Tx } from '../database';
import type { SagaReply } from '../domain/order-saga';
import { SagaService } from './saga.service';

/**
 * The participants' replies (`inventory.events.v1`, `payment.events.v1`) into the saga. Each
 * runs in the inbox consumer's transaction, so the inbox row, the saga's step and the messages
 * it sends commit together: a reply delivered twice is applied once.
 */
@Injectable()
export class SagaConsumer implements EventConsumer<Tx> {
  constructor(private readonly saga: SagaService) {}

  register(handlers: ConsumerHandlers<Tx>): void {
    handlers
      .on(EVENTS.InventoryReserved, (tx, e) =>
        this.apply(tx, e, { type: 'InventoryReserved', payload: e.payload }),
      )
      .on(EVENTS.InventoryRejected, (tx, e) =>
        this.apply(tx, e, { type: 'InventoryRejected', payload: e.payload }),
      )
      .on(EVENTS.InventoryCommitted, (tx, e) =>
        this.apply(tx, e, { type: 'InventoryCommitted', payload: e.payload }),
      )
      .on(EVENTS.InventoryReleased, (tx, e) =>
        this.apply(tx, e, { type: 'InventoryReleased', payload: e.payload }),
      )
      .on(EVENTS.PaymentCaptured, (tx, e) =>
        this.apply(tx, e, { type: 'PaymentCaptured', payload: e.payload }),
      )
      .on(EVENTS.PaymentDeclined, (tx, e) =>
        this.apply(tx, e, { type: 'PaymentDeclined', payload: e.payload }),
      )
      .on(EVENTS.PaymentFailed, (tx, e) =>
        this.apply(tx, e, { type: 'PaymentFailed', payload: e.payload }),
      )
      .on(EVENTS.PaymentRefunded, (tx, e) =>
        this.apply(tx, e, { type: 'PaymentRefunded', payload: e.payload }),
      );
  }

  private async apply(tx: Tx, event: InboundEvent<unknown>, reply: SagaReply): Promise<void> {
    const { orderId } = reply.payload;
    // Retrying cannot make either of these right: dead-letter at once.
    if (!isUuid(orderId)) {
      throw new PoisonMessageError(`${event.type}: order_id "${orderId}" is not a UUID`);
    }
    const decision = await this.saga.apply(tx, orderId.toLowerCase(), reply, event.traceparent);
    if (!decision) throw new PoisonMessageError(`${event.type}: no saga for order ${orderId}`);
  }
}
