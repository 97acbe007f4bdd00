import { Global, Module } from '@nestjs/common';
import { Outbox } from '@ecommerce/messaging';
import { MessagingService, SERVICE_NAME } from './messaging.service';

/**
 * The outbox use cases write their events to (injected as `Outbox`), and the relay that publishes
 * it (see {@link MessagingService}); global, so any use case can enqueue.
 */
@Global()
@Module({
  providers: [MessagingService, { provide: Outbox, useValue: new Outbox({ source: SERVICE_NAME }) }],
  exports: [MessagingService, Outbox],
})
export class MessagingModule {}
