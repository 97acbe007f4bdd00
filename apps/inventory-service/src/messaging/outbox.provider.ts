import type { Provider } from '@nestjs/common';
import { Outbox } from '@ecommerce/messaging';
import { SERVICE_NAME } from '../config';

/** Writes this service's messages into its outbox table (`ce_source`: inventory-service). */
export const outboxProvider: Provider = {
  provide: Outbox,
  useValue: new Outbox({ source: SERVICE_NAME }),
};
