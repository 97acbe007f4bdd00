import { z } from 'zod';
import { hostPort, logLevel, nodeEnv, port, positiveInt } from '@ecommerce/config';

export const configSchema = z.object({
  NODE_ENV: nodeEnv(),
  LOG_LEVEL: logLevel(),
  GATEWAY_HOST: z.string().trim().min(1).default('0.0.0.0').describe('interface the HTTP server binds to'),
  GATEWAY_PORT: port('port the public REST API listens on').default(3000),
  USER_SERVICE_URL: hostPort('gRPC address of user-service'),
  ORDER_SERVICE_URL: hostPort('gRPC address of order-service'),
  PAYMENT_SERVICE_URL: hostPort('gRPC address of payment-service'),
  INVENTORY_SERVICE_URL: hostPort('gRPC address of inventory-service'),
  NOTIFICATION_SERVICE_URL: hostPort('gRPC address of notification-service'),
  HEALTH_CHECK_TIMEOUT_MS: positiveInt('deadline of one backend health check').default(1_500),
  SHUTDOWN_TIMEOUT_MS: positiveInt('how long in-flight requests may take after SIGTERM').default(10_000),
});

export type GatewayConfig = z.output<typeof configSchema>;
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/** The backends behind the gateway, by the name they carry in health reports and logs. */
export function backendAddresses(config: GatewayConfig): Record<string, string> {
  return {
    'user-service': config.USER_SERVICE_URL,
    'order-service': config.ORDER_SERVICE_URL,
    'payment-service': config.PAYMENT_SERVICE_URL,
    'inventory-service': config.INVENTORY_SERVICE_URL,
    'notification-service': config.NOTIFICATION_SERVICE_URL,
  };
}
