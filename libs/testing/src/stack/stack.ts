/**
 * The platform as local processes: which apps exist, the ports they use, and the env each
 * one gets. `npm run start:local` and the integration/e2e tests start the same stack from
 * this one description, so they cannot drift apart.
 */
import { generateServiceKeyPair, ServiceTokens } from '@ecommerce/grpc';

export const BACKENDS = {
  'user-service': { database: 'user', grpcPort: 50051, metricsPort: 9101 },
  'order-service': { database: 'order', grpcPort: 50052, metricsPort: 9102 },
  'payment-service': { database: 'payment', grpcPort: 50053, metricsPort: 9103 },
  'inventory-service': { database: 'inventory', grpcPort: 50054, metricsPort: 9104 },
  'notification-service': { database: 'notification', grpcPort: 50055, metricsPort: 9105 },
} as const;

export type BackendName = keyof typeof BACKENDS;
export type AppName = BackendName | 'gateway';
export const BACKEND_NAMES = Object.keys(BACKENDS) as BackendName[];
export const APP_NAMES: AppName[] = ['gateway', ...BACKEND_NAMES];

export const HOST = '127.0.0.1';

/**
 * Which app calls which backend over gRPC: the arrows of the architecture. A backend accepts
 * service tokens from its callers here and from no one else (its SERVICE_PUBLIC_KEYS).
 */
export const GRPC_CALLS = {
  gateway: BACKEND_NAMES,
  'order-service': ['inventory-service'],
} as const satisfies Record<string, readonly BackendName[]>;

export type ServiceCaller = keyof typeof GRPC_CALLS;
export const SERVICE_CALLERS = Object.keys(GRPC_CALLS) as ServiceCaller[];

/** A caller's key pair: its SERVICE_PRIVATE_KEY (PKCS8 PEM) and public key (base64url `x`). */
export interface ServiceKeyPair {
  privateKey: string;
  publicKey: string;
}
export type ServiceKeys = Record<ServiceCaller, ServiceKeyPair>;

/** A fresh key pair for every calling app. */
export function generateServiceKeys(): ServiceKeys {
  return Object.fromEntries(
    SERVICE_CALLERS.map((caller) => [caller, generateServiceKeyPair()]),
  ) as ServiceKeys;
}

let processKeys: ServiceKeys | undefined;

/**
 * The service keys of the stacks this process starts, generated on first use and never
 * written anywhere: every app it starts (and the test clients it makes) agrees on them.
 */
export function localServiceKeys(): ServiceKeys {
  processKeys ??= generateServiceKeys();
  return processKeys;
}

/**
 * What a test's own gRPC client calls a backend with: the gateway's service token, signed with
 * the key the stack gave the gateway (by default this process's {@link localServiceKeys}).
 * Backends accept no call without one; this is how a test gets past that, not around it.
 */
export function serviceCredentials(keys: ServiceKeys = localServiceKeys()): ServiceTokens {
  return new ServiceTokens('gateway', keys.gateway.privateKey);
}

/** `backend`'s SERVICE_PUBLIC_KEYS: `name:key` for every app that calls it. */
export function servicePublicKeysFor(backend: BackendName, keys: ServiceKeys): string {
  return SERVICE_CALLERS.filter((caller) =>
    (GRPC_CALLS[caller] as readonly BackendName[]).includes(backend),
  )
    .map((caller) => `${caller}:${keys[caller].publicKey}`)
    .join(',');
}

/**
 * Replica r (counted from 0) of an app listens on its ports + r × this, unless the options list
 * every replica's port: with two replicas, order-service on 50052 and 50062, metrics on 9102 and
 * 9112, the gateways on 3000 and 3010.
 */
export const REPLICA_PORT_STEP = 10;

/** One port, replica 0's (the others follow at {@link REPLICA_PORT_STEP}), or each replica's. */
export type Ports = number | readonly number[];

export interface StackOptions {
  /** Kafka bootstrap servers; default `KAFKA_BROKERS` or 127.0.0.1:29092. */
  kafkaBrokers?: string;
  gatewayPort?: Ports;
  /** Override ports, e.g. to run a second stack beside a developer's own. */
  grpcPorts?: Partial<Record<BackendName, Ports>>;
  /** Override the ports backends serve `GET /metrics` on; give one with every gRPC port you override. */
  metricsPorts?: Partial<Record<BackendName, Ports>>;
  /** Processes of every app, each on its own ports (default 1). */
  replicas?: number;
  logLevel?: string;
  env?: NodeJS.ProcessEnv;
  /** The callers' key pairs; default {@link localServiceKeys}. */
  serviceKeys?: ServiceKeys;
}

/** Replica 0 of an app is named after it, the next ones `order-service-2`, `gateway-2`, ... */
export type ReplicaName = `${AppName}-${number}`;
export type InstanceName = AppName | ReplicaName;

export function instanceName(name: AppName, replica = 0): InstanceName {
  return replica === 0 ? name : `${name}-${replica + 1}`;
}

/** The app an instance is a replica of. */
export function appOf(instance: InstanceName): AppName {
  return instance.replace(/-\d+$/, '') as AppName;
}

/** Which replica of its app an instance is, counted from 0. */
export function replicaOf(instance: InstanceName): number {
  const number = /-(\d+)$/.exec(instance)?.[1];
  return number === undefined ? 0 : Number(number) - 1;
}

export function replicaCount(options: StackOptions): number {
  const replicas = options.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`replicas must be a whole number ≥ 1, got ${replicas}`);
  return replicas;
}

function portOf(ports: Ports | undefined, fallback: number, replica: number): number {
  if (typeof ports === 'object') {
    const port = ports[replica];
    if (port === undefined) throw new Error(`no port given for replica ${replica + 1}`);
    return port;
  }
  return (ports ?? fallback) + replica * REPLICA_PORT_STEP;
}

export function gatewayPort(options: StackOptions = {}, replica = 0): number {
  return portOf(options.gatewayPort, Number((options.env ?? process.env)['GATEWAY_PORT'] ?? 3000), replica);
}

/** `USER_DATABASE_URL` for `user`, and so on: the same names `npm run db:*` read. */
export function databaseUrlVariable(database: string): string {
  return `${database.toUpperCase()}_DATABASE_URL`;
}

export function databaseUrl(database: string, env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env[databaseUrlVariable(database)];
  if (explicit) return explicit;
  const host = env['PGHOST'] ?? HOST;
  const port = env['PGPORT'] ?? '5432';
  const user = encodeURIComponent(env['PGUSER'] ?? 'postgres');
  // The apps get exactly the env built here, so a password (the compose Postgres has one) goes in the URL.
  const password = env['PGPASSWORD'] ? `:${encodeURIComponent(env['PGPASSWORD'])}` : '';
  return `postgresql://${user}${password}@${host}:${port}/ecommerce_${database}`;
}

export function grpcAddress(name: BackendName, options: StackOptions = {}, replica = 0): string {
  return `${HOST}:${portOf(options.grpcPorts?.[name], BACKENDS[name].grpcPort, replica)}`;
}

/** Every replica's address, comma-separated: what a client of the backend is given (`*_SERVICE_URL`). */
export function grpcAddresses(name: BackendName, options: StackOptions = {}): string {
  return Array.from({ length: replicaCount(options) }, (_, replica) => grpcAddress(name, options, replica)).join(',');
}

/** The environment of one app in the local stack (of its `replica`, counted from 0). */
export function appEnv(name: AppName, options: StackOptions = {}, replica = 0): Record<string, string> {
  const env = options.env ?? process.env;
  const keys = options.serviceKeys ?? localServiceKeys();
  const common = {
    NODE_ENV: 'development',
    LOG_LEVEL: options.logLevel ?? env['LOG_LEVEL'] ?? 'info',
    ...openTelemetryEnv(env),
  };
  if (name === 'gateway') {
    return {
      ...common,
      GATEWAY_HOST: HOST,
      GATEWAY_PORT: String(gatewayPort(options, replica)),
      USER_SERVICE_URL: grpcAddresses('user-service', options),
      ORDER_SERVICE_URL: grpcAddresses('order-service', options),
      PAYMENT_SERVICE_URL: grpcAddresses('payment-service', options),
      INVENTORY_SERVICE_URL: grpcAddresses('inventory-service', options),
      NOTIFICATION_SERVICE_URL: grpcAddresses('notification-service', options),
      SERVICE_PRIVATE_KEY: keys.gateway.privateKey,
      ...gatewayEnv(env),
    };
  }
  return {
    ...common,
    GRPC_HOST: HOST,
    GRPC_PORT: String(portOf(options.grpcPorts?.[name], BACKENDS[name].grpcPort, replica)),
    METRICS_PORT: String(portOf(options.metricsPorts?.[name], BACKENDS[name].metricsPort, replica)),
    DATABASE_URL: databaseUrl(BACKENDS[name].database, env),
    KAFKA_BROKERS: options.kafkaBrokers ?? env['KAFKA_BROKERS'] ?? `${HOST}:29092`,
    SERVICE_PUBLIC_KEYS: servicePublicKeysFor(name, keys),
    ...(name === 'user-service' ? userServiceEnv() : {}),
    ...(name === 'payment-service' ? paymentServiceEnv(env) : {}),
    ...(name === 'notification-service' ? notificationServiceEnv(env) : {}),
    ...(name === 'inventory-service' ? { SEED_CATALOG: env['SEED_CATALOG'] ?? 'true' } : {}),
    ...(name === 'order-service'
      ? { ...orderServiceEnv(env, options), SERVICE_PRIVATE_KEY: keys['order-service'].privateKey }
      : {}),
  };
}

/**
 * Tracing is configured by the standard `OTEL_*` variables, passed through as they are: unset,
 * the apps export nothing (see `startTelemetry` in @ecommerce/telemetry).
 */
function openTelemetryEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[0].startsWith('OTEL_') && entry[1] !== undefined),
  );
}

/** The simulated provider's retries of a transient error: the product's defaults, overridable. */
function paymentServiceEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return {
    PAYMENT_MAX_ATTEMPTS: env['PAYMENT_MAX_ATTEMPTS'] ?? '3',
    PAYMENT_RETRY_BASE_MS: env['PAYMENT_RETRY_BASE_MS'] ?? '100',
  };
}

function orderServiceEnv(env: NodeJS.ProcessEnv, options: StackOptions): Record<string, string> {
  return {
    INVENTORY_SERVICE_URL: grpcAddresses('inventory-service', options),
    SAGA_TIMEOUT_MS: env['SAGA_TIMEOUT_MS'] ?? '30000',
    SAGA_SWEEP_INTERVAL_MS: env['SAGA_SWEEP_INTERVAL_MS'] ?? '1000',
  };
}

/**
 * Where notification-service sends email: an SMTP sink on 1025 (`docker compose up mailpit`,
 * or a test's own SmtpSink through SMTP_URL). `npm run start:local` runs a mail inbox on 1025
 * when nothing listens there (tools/mail).
 */
function notificationServiceEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  // The retry schedule is the product's default unless set (the e2e suite shortens it).
  const retries = ['MAIL_RETRY_INITIAL_MS', 'MAIL_RETRY_MAX_MS', 'MAIL_RETRY_HORIZON_MS', 'MAIL_POLL_INTERVAL_MS'].filter(
    (name) => env[name] !== undefined,
  );
  return {
    SMTP_URL: env['SMTP_URL'] ?? `smtp://${HOST}:1025`,
    MAIL_FROM: env['MAIL_FROM'] ?? 'Ecommerce Platform <no-reply@example.com>',
    ...Object.fromEntries(retries.map((name) => [name, env[name] as string])),
  };
}

/** The admin account user-service seeds locally, as in .env.example: development only. */
export const DEV_ADMIN = { email: 'admin@example.com', password: 'dev-only-admin-password' } as const;

/** The token claims user-service issues and the gateway must expect (their defaults). */
export const DEV_JWT = { issuer: 'ecommerce-platform', audience: 'ecommerce-api', ttlSeconds: 900 } as const;

// JWT_PRIVATE_KEY stays unset locally: user-service then generates its signing key once and
// keeps it in its own database.
function userServiceEnv(): Record<string, string> {
  return {
    JWT_ISSUER: DEV_JWT.issuer,
    JWT_AUDIENCE: DEV_JWT.audience,
    ACCESS_TOKEN_TTL_SECONDS: String(DEV_JWT.ttlSeconds),
    ADMIN_EMAIL: DEV_ADMIN.email,
    ADMIN_PASSWORD: DEV_ADMIN.password,
  };
}

/**
 * The gateway's token checks, rate limits and backend resilience. The limits and Redis can be
 * overridden from the environment (the e2e suite raises the limits: it registers many users
 * from one IP); everything else is the product's default.
 */
function gatewayEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const pick = (name: string, fallback: string) => env[name] ?? fallback;
  return {
    JWT_ISSUER: DEV_JWT.issuer,
    JWT_AUDIENCE: DEV_JWT.audience,
    TRUST_PROXY_HOPS: '0',
    BACKEND_DEADLINE_MS: pick('BACKEND_DEADLINE_MS', '2000'),
    BACKEND_RETRIES: pick('BACKEND_RETRIES', '2'),
    BACKEND_BREAKER_THRESHOLD: pick('BACKEND_BREAKER_THRESHOLD', '5'),
    BACKEND_BREAKER_HALF_OPEN_MS: pick('BACKEND_BREAKER_HALF_OPEN_MS', '5000'),
    BACKEND_MAX_CONCURRENT: pick('BACKEND_MAX_CONCURRENT', '100'),
    REDIS_URL: pick('REDIS_URL', `redis://${HOST}:6379`),
    RATE_LIMIT_PREFIX: pick('RATE_LIMIT_PREFIX', 'ratelimit'),
    RATE_LIMIT_PER_SECOND: pick('RATE_LIMIT_PER_SECOND', '50'),
    RATE_LIMIT_BURST: pick('RATE_LIMIT_BURST', '100'),
    AUTH_RATE_LIMIT_PER_MINUTE: pick('AUTH_RATE_LIMIT_PER_MINUTE', '20'),
    ORDER_BACKLOG_LIMIT: pick('ORDER_BACKLOG_LIMIT', '100'),
    ORDER_BACKLOG_CACHE_MS: pick('ORDER_BACKLOG_CACHE_MS', '250'),
    // Where the console links each order's trace: only when there is a Jaeger to link to.
    ...(env['JAEGER_UI_URL'] ? { JAEGER_UI_URL: env['JAEGER_UI_URL'] } : {}),
  };
}
