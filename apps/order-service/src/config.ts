import { z } from 'zod';
import { backendServiceEnv, ed25519PrivateKeyPem, grpcAddresses, positiveInt } from '@ecommerce/config';

/** The name in logs and health reports, the Kafka client id and consumer groups, and `ce_source`. */
export const SERVICE_NAME = 'order-service';

export const configSchema = z.object({
  ...backendServiceEnv,
  INVENTORY_SERVICE_URL: grpcAddresses(
    'gRPC address (host:port, or ip:port,ip:port,... one per replica) of inventory-service, whose catalog prices every order',
  ),
  SERVICE_PRIVATE_KEY: ed25519PrivateKeyPem().describe(
    "secret: PKCS8 PEM of order-service's Ed25519 key, which signs the service token of its calls " +
      'to inventory-service (whose SERVICE_PUBLIC_KEYS lists the public key)',
  ),
  SAGA_TIMEOUT_MS: positiveInt(
    'how long an order saga may wait for its stock reservation and payment, in ms, before it is cancelled (TIMEOUT)',
  ).default(30_000),
  SAGA_SWEEP_INTERVAL_MS: positiveInt(
    'how often the deadline sweeper looks for sagas past their deadline, in ms',
  ).default(1_000),
});

export type ServiceConfig = z.output<typeof configSchema>;
