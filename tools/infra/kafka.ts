import { setTimeout as sleep } from 'node:timers/promises';
import {
  KAFKA_PATHS,
  brokerAddressOf,
  readKafkaInfraConfig,
  type KafkaInfraConfig,
} from './config';
import {
  formatStorage,
  isKafkaReachable,
  isPortOpen,
  recordedBrokerAddress,
  rel,
  spawnBroker,
  writeServerProperties,
} from './broker';
import { ensureKafkaJars } from './jars';
import {
  commandLineOf,
  isAlive,
  readPidFile,
  removePidFile,
  terminate,
  withLock,
  writePidFile,
} from './pids';

/**
 * A real Kafka broker for local runs and tests, started from the Apache Kafka jars on Maven
 * Central with the machine's Java, plus the platform's topics.
 *
 *   up     start the broker unless one already answers on KAFKA_HOST:KAFKA_PORT, then create topics
 *   down   stop the broker that `up` started (its pid is in .local/pids/kafka.pid), nothing else
 *   status say what is running and which topics are missing
 */

export interface InfraOptions {
  /** Where the one-line progress messages go (default: console.log). */
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export interface KafkaUpResult {
  /** True when this call started the broker (so a later `down` stops it). */
  started: boolean;
  /** `host:port` for KAFKA_BROKERS. */
  broker: string;
  /** The broker's pid when `up` started it, now or earlier. */
  pid?: number;
}

export interface KafkaStatus {
  broker: string;
  reachable: boolean;
  /** Pid of the broker that `up` started, when it is running. */
  pid?: number;
  topics?: { present: string[]; missing: string[] };
}

const START_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 30_000;

/** `host:port` of the local broker (KAFKA_HOST:KAFKA_PORT, default 127.0.0.1:29092). */
export function kafkaBrokerAddress(env: NodeJS.ProcessEnv = process.env): string {
  return brokerAddressOf(readKafkaInfraConfig(env));
}

/** Starts the broker if none answers on its port, then creates the platform topics. Re-running is harmless. */
export async function kafkaUp(options: InfraOptions = {}): Promise<KafkaUpResult> {
  const log = options.log ?? console.log;
  const config = readKafkaInfraConfig(options.env);
  const broker = brokerAddressOf(config);

  return withLock(
    KAFKA_PATHS.upLock,
    START_TIMEOUT_MS + STOP_GRACE_MS,
    (owner) => log(`kafka: another infra:up (pid ${owner ?? '?'}) is running; waiting for it`),
    async () => {
      const { started, pid } = await ensureBroker(config, log);
      await ensurePlatformTopics(broker, config.partitions, log);
      return { started, broker, ...(pid !== undefined ? { pid } : {}) };
    },
  );
}

/** A broker answering on the configured address: the one already there, or a new one. */
async function ensureBroker(
  config: KafkaInfraConfig,
  log: (line: string) => void,
): Promise<{ started: boolean; pid?: number }> {
  const broker = brokerAddressOf(config);
  const ownPid = await recordedBrokerPid(log);
  if (await isKafkaReachable(broker)) {
    log(
      ownPid !== undefined
        ? `kafka: broker already running on ${broker} (pid ${ownPid}, started by infra:up)`
        : `kafka: a broker already answers on ${broker}; not started by infra:up, so left alone (infra:down will not stop it)`,
    );
    return { started: false, ...(ownPid !== undefined ? { pid: ownPid } : {}) };
  }
  if (ownPid !== undefined) {
    await awaitRecordedBroker(ownPid, broker, log);
    return { started: false, pid: ownPid };
  }
  return { started: true, pid: await startBroker(config, log) };
}

async function ensurePlatformTopics(
  broker: string,
  partitions: number,
  log: (line: string) => void,
): Promise<void> {
  const { createPlatformTopics } = await loadTopics();
  const topics = await createPlatformTopics(broker, partitions);
  log(
    topics.created.length === 0
      ? `topics: all ${topics.existing.length} platform topics already exist`
      : `topics: created ${topics.created.length} with leaders elected (${partitions} partitions each, ` +
          `dead-letter topics 1)${topics.existing.length > 0 ? `; ${topics.existing.length} already existed` : ''}`,
  );
}

/** Jars, server.properties, fresh storage, `java kafka.Kafka`, wait until it serves. Returns the pid. */
async function startBroker(config: KafkaInfraConfig, log: (line: string) => void): Promise<number> {
  const broker = brokerAddressOf(config);
  for (const port of [config.port, config.controllerPort]) {
    if (await isPortOpen(config.host, port)) {
      throw new Error(
        `kafka: ${config.host}:${port} is taken by something that is not a Kafka broker; ` +
          'free it or set KAFKA_PORT / KAFKA_CONTROLLER_PORT',
      );
    }
  }

  const jarsStart = Date.now();
  const jars = await ensureKafkaJars();
  log(
    jars.fetched
      ? `kafka: fetched Apache Kafka ${jars.version} jars with mvn (Maven Central) into ${rel(KAFKA_PATHS.libs)} in ${seconds(jarsStart)}`
      : `kafka: Apache Kafka ${jars.version} jars already in ${rel(KAFKA_PATHS.libs)}`,
  );

  await writeServerProperties(config);
  log(
    `kafka: wrote ${rel(KAFKA_PATHS.serverProperties)} (KRaft broker+controller, node.id=1, controller on ${config.host}:${config.controllerPort})`,
  );

  const clusterId = await formatStorage();
  log(`kafka: formatted fresh storage in ${rel(KAFKA_PATHS.data)} (cluster id ${clusterId})`);

  const bootStart = Date.now();
  const { pid, ready } = await spawnBroker(config, START_TIMEOUT_MS);
  // Recorded before waiting, so a failed or interrupted start can still be stopped by `down`.
  await writePidFile(KAFKA_PATHS.pidFile, pid);
  log(
    `kafka: java kafka.Kafka starting (pid ${pid}, ${config.heap.join(' ')}), log in ${rel(KAFKA_PATHS.serverLog)}`,
  );
  try {
    await ready;
  } catch (error) {
    await terminate(pid, STOP_GRACE_MS);
    await removePidFile(KAFKA_PATHS.pidFile);
    throw error;
  }
  log(
    `kafka: broker started from Apache Kafka ${jars.version} jars (pid ${pid}) on ${broker} in ${seconds(bootStart)}`,
  );
  return pid;
}

/**
 * Our broker is running but does not answer: either it listens elsewhere (started with other
 * KAFKA_* values) or it is still starting (an earlier `up` was interrupted). Never kill it here.
 */
async function awaitRecordedBroker(
  pid: number,
  broker: string,
  log: (line: string) => void,
): Promise<void> {
  const recorded = await recordedBrokerAddress();
  if (recorded !== undefined && recorded !== broker) {
    throw new Error(
      `kafka: the broker started by infra:up (pid ${pid}) listens on ${recorded}, not ${broker}; ` +
        'stop it with npm run infra:down first',
    );
  }
  log(
    `kafka: broker started by infra:up (pid ${pid}) does not answer on ${broker} yet; waiting for it`,
  );
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await isKafkaReachable(broker))) {
    if (!isAlive(pid))
      throw new Error(`kafka: the broker (pid ${pid}) exited; see ${rel(KAFKA_PATHS.serverLog)}`);
    if (Date.now() > deadline) {
      throw new Error(
        `kafka: the broker (pid ${pid}) still does not answer on ${broker}; ` +
          `see ${rel(KAFKA_PATHS.serverLog)}, then npm run infra:down`,
      );
    }
    await sleep(500);
  }
  log(`kafka: broker (pid ${pid}) now answers on ${broker}`);
}

/** Stops the broker that `kafkaUp` started (SIGTERM, then SIGKILL after 30s). Anything else is left alone. */
export async function kafkaDown(options: InfraOptions = {}): Promise<{ stopped: boolean }> {
  const log = options.log ?? console.log;
  const pid = await recordedBrokerPid(log);
  if (pid === undefined) {
    log(
      `kafka: nothing to stop (no broker started by infra:up; ${rel(KAFKA_PATHS.pidFile)} absent)`,
    );
    return { stopped: false };
  }
  const stopStart = Date.now();
  log(`kafka: stopping broker (pid ${pid}) with SIGTERM`);
  const outcome = await terminate(pid, STOP_GRACE_MS);
  await removePidFile(KAFKA_PATHS.pidFile);
  log(
    outcome === 'killed'
      ? `kafka: broker (pid ${pid}) ignored SIGTERM for ${STOP_GRACE_MS / 1000}s; killed it with SIGKILL`
      : `kafka: broker stopped (pid ${pid}) in ${seconds(stopStart)}`,
  );
  return { stopped: true };
}

/** What is running: reachability, the pid `up` recorded, and (when reachable) missing topics. */
export async function kafkaStatus(options: InfraOptions = {}): Promise<KafkaStatus> {
  const log = options.log ?? console.log;
  const config = readKafkaInfraConfig(options.env);
  const broker = brokerAddressOf(config);
  const pid = await recordedBrokerPid(log);
  const reachable = await isKafkaReachable(broker);
  const owner = pid !== undefined ? `started by infra:up, pid ${pid}` : 'not started by infra:up';
  log(
    reachable
      ? `kafka: up on ${broker} (${owner})`
      : `kafka: down (nothing answers on ${broker}${pid !== undefined ? `; pid ${pid} is running` : ''})`,
  );
  if (!reachable) return { broker, reachable, ...(pid !== undefined ? { pid } : {}) };

  const { platformTopicsStatus } = await loadTopics();
  const topics = await platformTopicsStatus(broker, config.partitions);
  log(
    topics.missing.length === 0
      ? `topics: all ${topics.present.length} platform topics present`
      : `topics: ${topics.missing.length} missing (${topics.missing.join(', ')}); run npm run infra:up`,
  );
  return { broker, reachable, topics, ...(pid !== undefined ? { pid } : {}) };
}

/** Short names for callers that only deal with Kafka here (test runner, start:local). */
export {
  kafkaUp as up,
  kafkaDown as down,
  kafkaStatus as status,
  kafkaBrokerAddress as brokerAddress,
};

/**
 * The pid in .local/pids/kafka.pid if that process is still our broker; a stale file (process
 * gone, or the pid reused by another program) is removed and nothing is signalled.
 */
async function recordedBrokerPid(log: (line: string) => void): Promise<number | undefined> {
  const pid = await readPidFile(KAFKA_PATHS.pidFile);
  if (pid === undefined) return undefined;
  const commandLine = commandLineOf(pid);
  if (!isAlive(pid) || (commandLine !== undefined && !commandLine.includes('kafka.Kafka'))) {
    log(`kafka: removed stale ${rel(KAFKA_PATHS.pidFile)} (pid ${pid} is no longer the broker)`);
    await removePidFile(KAFKA_PATHS.pidFile);
    return undefined;
  }
  return pid;
}

/**
 * Topics come from @ecommerce/contracts; loading them lazily keeps `down` working even while
 * that library is mid-edit.
 */
function loadTopics(): Promise<typeof import('./topics')> {
  return import('./topics');
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)}s`;
}
