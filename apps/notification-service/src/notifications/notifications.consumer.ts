import { Injectable, type OnModuleInit } from '@nestjs/common';
import { EVENTS } from '@ecommerce/contracts';
import { MessagingService } from '../messaging/messaging.service';
import { NotifyService } from './notify.service';

/** user.events.v1 and order.events.v1 → {@link NotifyService}, each in its inbox transaction. */
@Injectable()
export class NotificationsConsumer implements OnModuleInit {
  constructor(
    private readonly messaging: MessagingService,
    private readonly notify: NotifyService,
  ) {}

  onModuleInit(): void {
    this.messaging.userEvents
      .on(EVENTS.UserRegistered, async (tx, event) => {
        await this.notify.userRegistered(tx, event.payload);
      })
      .on(EVENTS.UserDeleted, async (tx, event) => {
        await this.notify.userDeleted(tx, event.payload);
      });
    this.messaging.orderEvents
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
