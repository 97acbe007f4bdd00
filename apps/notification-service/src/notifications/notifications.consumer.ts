import { Injectable } from '@nestjs/common';
import { EVENTS } from '@ecommerce/contracts';
import type { ConsumerHandlers, EventConsumer } from '@ecommerce/messaging';
import type { Tx } from '../database';
import { NotifyService } from './notify.service';

/*
 * Two consumer groups, one per topic, so that one topic's retries never hold up the other's
 * events. Each handler runs in its inbox transaction.
 */

/** user.events.v1 → {@link NotifyService}. */
@Injectable()
export class UserEventsConsumer implements EventConsumer<Tx> {
  constructor(private readonly notify: NotifyService) {}

  register(handlers: ConsumerHandlers<Tx>): void {
    handlers
      .on(EVENTS.UserRegistered, async (tx, event) => {
        await this.notify.userRegistered(tx, event.payload);
      })
      .on(EVENTS.UserDeleted, async (tx, event) => {
        await this.notify.userDeleted(tx, event.payload);
      });
  }
}

/** order.events.v1 → {@link NotifyService}. */
@Injectable()
export class OrderEventsConsumer implements EventConsumer<Tx> {
  constructor(private readonly notify: NotifyService) {}

  register(handlers: ConsumerHandlers<Tx>): void {
    handlers
      // Nothing to tell the customer yet: passed over without a transaction (and no warning).
      .ignore(EVENTS.OrderCreated)
      .on(EVENTS.OrderConfirmed, async (tx, event) => {
        await this.notify.orderConfirmed(tx, event.payload);
      })
      .on(EVENTS.OrderCancelled, async (tx, event) => {
        await this.notify.orderCancelled(tx, event.payload);
      });
  }
}
