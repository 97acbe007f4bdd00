import { z } from 'zod';
import {
  ed25519PrivateKeyPem,
  flag,
  grpcAddresses,
  logLevel,
  nodeEnv,
  port,
  positiveInt,
  requiredInProduction,
} from '@ecommerce/config';
import type { ResilienceOptions } from '@ecommerce/grpc';

const nonNegativeInt = (description: string) => z.coerce.number().int().min(0).describe(description);

export const configSchema = z.object({
  NODE_ENV: nodeEnv(),
  LOG_LEVEL: logLevel(),
  GATEWAY_HOST: z.string().trim().min(1).default('0.0.0.0').describe('interface the HTTP server binds to'),
  GATEWAY_PORT: port('port the public REST API listens on').default(3000),
  METRICS_PORT: port(
    'port of GET /metrics (Prometheus), apart from the API, on GATEWAY_HOST; required when NODE_ENV=production, and when unset /metrics is on GATEWAY_PORT',
  ).optional(),
  API_DOCS: flag('serve Swagger UI at /docs and the OpenAPI document at /docs-json (default: true, false when NODE_ENV=production)'),
  CONSOLE_DIR: z
    .string()
    .trim()
    .min(1)
    .default('dist/apps/console')
    .describe('folder of the built console (apps/console), served at /console/ when it holds an index.html; relative to the working directory'),
  JAEGER_UI_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe("Jaeger's UI as a browser reaches it, e.g. http://127.0.0.1:16686: the console links each order to its traces there"),
  TRUST_PROXY_HOPS: nonNegativeInt(
    'reverse proxies in front of the gateway whose X-Forwarded-For is trusted for the client IP (0: none)',
  ).default(0),
  USER_SERVICE_URL: grpcAddresses('gRPC address of user-service: host:port, or ip:port,ip:port,... one per replica'),
  ORDER_SERVICE_URL: grpcAddresses('gRPC address of order-service: host:port, or ip:port,ip:port,... one per replica'),
  PAYMENT_SERVICE_URL: grpcAddresses('gRPC address of payment-service: host:port, or ip:port,ip:port,... one per replica'),
  INVENTORY_SERVICE_URL: grpcAddresses('gRPC address of inventory-service: host:port, or ip:port,ip:port,... one per replica'),
  NOTIFICATION_SERVICE_URL: grpcAddresses('gRPC address of notification-service: host:port, or ip:port,ip:port,... one per replica'),
  SERVICE_PRIVATE_KEY: ed25519PrivateKeyPem().describe(
    "secret: PKCS8 PEM of the gateway's Ed25519 key, which signs the service token of every gRPC call " +
      '(the backends list its public key in SERVICE_PUBLIC_KEYS)',
  ),
  HEALTH_CHECK_TIMEOUT_MS: positiveInt('deadline of one backend health check').default(1_500),
  SHUTDOWN_TIMEOUT_MS: positiveInt('how long in-flight requests may take after SIGTERM').default(10_000),

  BACKEND_DEADLINE_MS: positiveInt('deadline of one gRPC call to a backend, in ms').default(2_000),
  BACKEND_RETRIES: nonNegativeInt('extra attempts of an idempotent gRPC call that found its backend unavailable').default(2),
  BACKEND_BREAKER_THRESHOLD: positiveInt('consecutive backend failures that open its circuit breaker').default(5),
  BACKEND_BREAKER_HALF_OPEN_MS: positiveInt('how long an open circuit fails fast before it lets one trial call through, in ms').default(5_000),
  BACKEND_MAX_CONCURRENT: positiveInt('gRPC calls in flight to one backend at once; more get 503 at once').default(100),

  JWT_ISSUER: z.string().trim().min(1).default('ecommerce-platform').describe("access tokens' required `iss` (user-service's JWT_ISSUER)"),
  JWT_AUDIENCE: z.string().trim().min(1).default('ecommerce-api').describe("access tokens' required `aud` (user-service's JWT_AUDIENCE)"),

  REDIS_URL: z
    .string()
    .trim()
    .regex(/^rediss?:\/\/\S+$/, 'expected a redis:// URL')
    .default('redis://127.0.0.1:6379')
    .describe('Redis holding the rate-limit buckets shared by every gateway instance'),
  RATE_LIMIT_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9:_-]+$/, 'letters, digits, : _ - only')
    .default('ratelimit')
    .describe('prefix of the rate-limit keys in Redis (lets several deployments share one Redis)'),
  RATE_LIMIT_PER_SECOND: positiveInt('requests per second one client (user, else IP) may make, sustained').default(50),
  RATE_LIMIT_BURST: positiveInt('requests one client may make at once before the per-second rate applies').default(100),
  AUTH_RATE_LIMIT_PER_MINUTE: positiveInt('login and register attempts per minute per client IP, and per email').default(20),

  ORDER_BACKLOG_LIMIT: z.coerce
    .number()
    .int()
    .min(0)
    .default(100)
    .describe('orders in progress (PENDING) past which POST /orders answers 503 with Retry-After; 0 takes no new orders'),
  ORDER_BACKLOG_CACHE_MS: positiveInt('how long the gateway reuses the backlog it read from order-service, in ms').default(250),
}).superRefine(requiredInProduction('METRICS_PORT')); // in production the metrics stay off the public port

export type GatewayConfig = z.output<typeof configSchema>;
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/** The backends behind the gateway, by the name they carry in health reports and logs: each one's addresses. */
export function backendAddresses(config: GatewayConfig): Record<string, string[]> {
  return {
    'user-service': config.USER_SERVICE_URL,
    'order-service': config.ORDER_SERVICE_URL,
    'payment-service': config.PAYMENT_SERVICE_URL,
    'inventory-service': config.INVENTORY_SERVICE_URL,
    'notification-service': config.NOTIFICATION_SERVICE_URL,
  };
}

export function resilienceOptions(config: GatewayConfig): ResilienceOptions {
  return {
    deadlineMs: config.BACKEND_DEADLINE_MS,
    retries: config.BACKEND_RETRIES,
    breakerThreshold: config.BACKEND_BREAKER_THRESHOLD,
    halfOpenAfterMs: config.BACKEND_BREAKER_HALF_OPEN_MS,
    maxConcurrent: config.BACKEND_MAX_CONCURRENT,
  };
}
