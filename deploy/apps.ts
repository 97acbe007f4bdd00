import { telemetryEnv } from '@ecommerce/telemetry';
import { BACKENDS, type BackendName } from '@ecommerce/testing';
import { configSchema as gatewaySchema } from '../apps/gateway/src/config';
import { configSchema as inventorySchema } from '../apps/inventory-service/src/config';
import { configSchema as notificationSchema } from '../apps/notification-service/src/config';
import { configSchema as orderSchema } from '../apps/order-service/src/config';
import { configSchema as paymentSchema } from '../apps/payment-service/src/config';
import { configSchema as userSchema } from '../apps/user-service/src/config';
import type { AppSpec } from './compose-checks';

/**
 * The six apps as the deployment checks see them (docker-compose.yml in compose.spec.ts, the
 * Kubernetes manifests in k8s.spec.ts): each one's config schema and the port it serves.
 */

/**
 * Apps in apps/ that are no process of their own: the console is static files the gateway
 * serves at /console/, built into the gateway's image (docs/adr/0012-console-served-by-the-gateway.md).
 */
export const STATIC_APPS = ['console'];

const BACKEND_SCHEMAS: Record<BackendName, AppSpec['schema']> = {
  'user-service': userSchema,
  'order-service': orderSchema,
  'payment-service': paymentSchema,
  'inventory-service': inventorySchema,
  'notification-service': notificationSchema,
};

export const APPS: AppSpec[] = [
  {
    name: 'gateway',
    kind: 'gateway',
    schema: gatewaySchema.safeExtend(telemetryEnv),
    portVariable: 'GATEWAY_PORT',
    // The gateway's port is its config default (the local stack uses the same).
    port: gatewaySchema.shape.GATEWAY_PORT.parse(undefined),
  },
  ...(Object.keys(BACKENDS) as BackendName[]).map(
    (name): AppSpec => ({
      name,
      kind: 'backend',
      // Tracing reads the standard OTEL_* variables itself, validated by libs/telemetry.
      schema: BACKEND_SCHEMAS[name].safeExtend(telemetryEnv),
      portVariable: 'GRPC_PORT',
      port: BACKENDS[name].grpcPort,
    }),
  ),
];
