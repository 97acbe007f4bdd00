import { join, resolve } from 'node:path';

/** Workspace root: this file lives in tools/infra. */
export const WORKSPACE_ROOT = resolve(__dirname, '..', '..');

/** Everything the local infrastructure writes lives under .local/ (gitignored). */
export const LOCAL_DIR = join(WORKSPACE_ROOT, '.local');
export const PIDS_DIR = join(LOCAL_DIR, 'pids');

export const KAFKA_DIR = join(LOCAL_DIR, 'kafka');
export const KAFKA_PATHS = {
  pom: join(WORKSPACE_ROOT, 'tools', 'infra', 'kafka', 'pom.xml'),
  log4jConfig: join(WORKSPACE_ROOT, 'tools', 'infra', 'kafka', 'log4j.properties'),
  propertiesTemplate: join(WORKSPACE_ROOT, 'tools', 'infra', 'kafka', 'server.properties.template'),
  libs: join(KAFKA_DIR, 'libs'),
  /** The pom's hash once `mvn` finished copying: jars are re-fetched only when the pom changes. */
  libsStamp: join(KAFKA_DIR, 'libs.stamp'),
  data: join(KAFKA_DIR, 'data'),
  logs: join(KAFKA_DIR, 'logs'),
  /** Written by log4j (tools/infra/kafka/log4j.properties). */
  serverLog: join(KAFKA_DIR, 'logs', 'server.log'),
  /** The JVM's own stdout/stderr: crashes before log4j is up land here. */
  processLog: join(KAFKA_DIR, 'logs', 'kafka.out'),
  serverProperties: join(KAFKA_DIR, 'server.properties'),
  pidFile: join(PIDS_DIR, 'kafka.pid'),
  /** Held while `up` runs, so two `up`s at once start one broker. */
  upLock: join(KAFKA_DIR, 'up.lock'),
} as const;

export interface KafkaInfraConfig {
  host: string;
  port: number;
  controllerPort: number;
  /** JVM heap flags, e.g. ['-Xms256m', '-Xmx512m']. */
  heap: readonly string[];
  /** Partitions for each platform topic (dead-letter topics always get 1). */
  partitions: number;
}

/** `host:port` of the PLAINTEXT listener, the value services put in KAFKA_BROKERS. */
export function brokerAddressOf(config: Pick<KafkaInfraConfig, 'host' | 'port'>): string {
  return `${config.host}:${config.port}`;
}

/**
 * Reads KAFKA_HOST, KAFKA_PORT, KAFKA_CONTROLLER_PORT, KAFKA_HEAP and KAFKA_PARTITIONS.
 * Throws with the variable's name on a bad value, so a typo never starts a half-configured broker.
 */
export function readKafkaInfraConfig(env: NodeJS.ProcessEnv = process.env): KafkaInfraConfig {
  const host = nonEmpty(env['KAFKA_HOST']) ?? '127.0.0.1';
  if (host.toLowerCase() === 'localhost') {
    // Node may resolve localhost to ::1 while the broker listens on IPv4 only.
    throw new Error(
      'KAFKA_HOST=localhost is not allowed: use 127.0.0.1 (Node may resolve localhost to ::1)',
    );
  }
  const port = parsePort('KAFKA_PORT', env['KAFKA_PORT'], 29092);
  const controllerPort = parsePort('KAFKA_CONTROLLER_PORT', env['KAFKA_CONTROLLER_PORT'], 29093);
  if (port === controllerPort) {
    throw new Error(`KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ (both are ${port})`);
  }
  const partitions = parsePositiveInt('KAFKA_PARTITIONS', env['KAFKA_PARTITIONS'], 3);
  return { host, port, controllerPort, heap: heapFlags(nonEmpty(env['KAFKA_HEAP'])), partitions };
}

/**
 * JVM heap flags. Default `-Xms256m -Xmx512m`; KAFKA_HEAP (e.g. `1g`, `384m`) sets the maximum,
 * and the initial heap stays 256m unless the maximum is smaller.
 */
export function heapFlags(maxHeap: string | undefined): string[] {
  if (maxHeap === undefined) return ['-Xms256m', '-Xmx512m'];
  const bytes = parseJvmSize(maxHeap);
  if (bytes === undefined) {
    throw new Error(`KAFKA_HEAP must be a JVM size such as 512m or 1g (got "${maxHeap}")`);
  }
  const initial = bytes < 256 * 1024 * 1024 ? maxHeap : '256m';
  return [`-Xms${initial}`, `-Xmx${maxHeap}`];
}

function parseJvmSize(value: string): number | undefined {
  const match = /^(\d+)([kmg])$/i.exec(value.trim());
  if (!match) return undefined;
  const unit = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2].toLowerCase() as 'k' | 'm' | 'g'];
  return Number(match[1]) * unit;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function parsePort(name: string, value: string | undefined, fallback: number): number {
  const port = parsePositiveInt(name, value, fallback);
  if (port > 65535) throw new Error(`${name} must be a TCP port (1-65535), got "${value}"`);
  return port;
}

function parsePositiveInt(name: string, value: string | undefined, fallback: number): number {
  const text = nonEmpty(value);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new Error(`${name} must be a positive integer, got "${value}"`);
  }
  return Number(text);
}
