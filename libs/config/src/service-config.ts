import { z } from 'zod';
import {
  flag,
  hostPortList,
  logLevel,
  nodeEnv,
  port,
  positiveInt,
  postgresUrl,
  servicePublicKeys,
} from './env';

/** What every backend service reads from its environment; a service extends it with its own. */
export const backendServiceEnv = {
  NODE_ENV: nodeEnv(),
  LOG_LEVEL: logLevel(),
  GRPC_HOST: z
    .string()
    .trim()
    .min(1)
    .default('127.0.0.1')
    .describe('interface the gRPC server binds to'),
  GRPC_PORT: port('port the gRPC server listens on'),
  METRICS_PORT: port(
    'port of the Prometheus endpoint, GET /metrics, on the same interface as gRPC',
  ),
  DATABASE_URL: postgresUrl("PostgreSQL connection string for this service's own database"),
  DATABASE_POOL_SIZE: positiveInt(
    'connections this process keeps to its database at most (each replica has its own pool)',
  ).default(10),
  DATABASE_POOL_IDLE_MS: positiveInt(
    'how long a pooled connection may sit unused before it is closed, in ms',
  ).default(300_000),
  KAFKA_BROKERS: hostPortList('comma-separated Kafka bootstrap brokers, host:port'),
  GRPC_REFLECTION: flag(
    'serve gRPC server reflection, so grpcurl needs no .proto files (default: true, false when NODE_ENV=production)',
  ),
  SHUTDOWN_TIMEOUT_MS: positiveInt('how long in-flight work may take after SIGTERM').default(
    10_000,
  ),
  SERVICE_PUBLIC_KEYS: servicePublicKeys(
    'the services allowed to call this one over gRPC, as name:key,name:key (key: the base64url ' +
      'Ed25519 public key, JWK x, their service tokens verify against)',
  ),
};

export const backendServiceSchema = z.object(backendServiceEnv);
export type BackendServiceConfig = z.output<typeof backendServiceSchema>;

/**
 * Where a service's parsed configuration is provided to its modules (and to the shared ones,
 * which read the part every backend has: {@link BackendServiceConfig}).
 */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
