import { z } from 'zod';
import { backendServiceEnv, grpcAddresses, positiveInt } from '@ecommerce/config';

/** The name in logs and health reports, the Kafka client id and consumer groups, and `ce_source`. */
export const SERVICE_NAME = 'order-service';

export const configSchema = z.object({
  ...backendServiceEnv,
  INVENTORY_SERVICE_URL: grpcAddresses(
    'gRPC address (host:port, or ip:port,ip:port,... one per replica) of inventory-service, whose catalog prices every order',
  ),
  SAGA_TIMEOUT_MS: positiveInt(
    'how long an order saga may wait for its stock reservation and payment, in ms, before it is cancelled (TIMEOUT)',
  ).default(30_000),
  SAGA_SWEEP_INTERVAL_MS: positiveInt(
    'how often the deadline sweeper looks for sagas past their deadline, in ms',
  ).default(1_000),
});

export type ServiceConfig = z.output<typeof configSchema>;
