import { Injectable, Logger } from '@nestjs/common';
import { encodeEvent, EVENTS } from '@ecommerce/contracts';
import {
  type ConsumerHandlers,
  type EventConsumer,
  type InboundEvent,
  Outbox,
} from '@ecommerce/messaging';
import type { Tx } from '../database';
import type { Reply } from './replies';
import { ReservationsService } from './reservations.service';

/**
 * The Kafka side of reservations: the commands of inventory.commands.v1, each handled in the
 * inbox transaction and answered on inventory.events.v1 through the outbox in that same
 * transaction. So the command's effect, the record that it was handled and the reply commit
 * together or not at all.
 */
@Injectable()
export class ReservationsConsumer implements EventConsumer<Tx> {
  private readonly logger = new Logger(ReservationsConsumer.name);

  constructor(
    private readonly reservations: ReservationsService,
    private readonly outbox: Outbox,
  ) {}

  register(handlers: ConsumerHandlers<Tx>): void {
    handlers
      .on(EVENTS.ReserveInventory, async (tx, event) =>
        this.answer(tx, event, await this.reservations.reserve(tx, event.payload)),
      )
      .on(EVENTS.CommitReservation, async (tx, event) =>
        this.answer(tx, event, await this.reservations.commit(tx, event.payload)),
      )
      .on(EVENTS.ReleaseInventory, async (tx, event) =>
        this.answer(tx, event, await this.reservations.release(tx, event.payload)),
      );
  }

  /** Keyed and subjected by order id; the command's trace continues in the reply. */
  private async answer(tx: Tx, command: InboundEvent<unknown>, reply: Reply): Promise<void> {
    const { orderId } = reply.payload;
    const { topic, type } = EVENTS[reply.event];
    this.logger.log(`order ${orderId}: ${command.type} answered with ${reply.event}`);
    await this.outbox.enqueue(tx, {
      topic,
      type,
      payload: encodeEvent(reply.event, reply.payload),
      key: orderId,
      subject: orderId,
      traceparent: command.traceparent,
    });
  }
}
