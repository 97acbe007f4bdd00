import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { KAFKA_PATHS, WORKSPACE_ROOT, brokerAddressOf, type KafkaInfraConfig } from './config';
import { tail } from './jars';
import { parseProperties, renderServerProperties } from './server-properties';

/**
 * The broker process itself: render server.properties, format storage, start `kafka.Kafka`,
 * wait until it serves clients. No pid files and no decisions here: kafka.ts makes those.
 */

const run = promisify(execFile);
const READY_LINE = 'Kafka Server started';

export const rel = (path: string): string => relative(WORKSPACE_ROOT, path);

export async function writeServerProperties(
  config: KafkaInfraConfig,
  paths = KAFKA_PATHS,
): Promise<void> {
  const template = await readFile(paths.propertiesTemplate, 'utf8');
  await mkdir(paths.data, { recursive: true });
  await writeFile(paths.serverProperties, renderServerProperties(template, config, paths.data));
}

/** The address the last broker started by `up` advertises (from .local/kafka/server.properties). */
export async function recordedBrokerAddress(paths = KAFKA_PATHS): Promise<string | undefined> {
  const text = await readFile(paths.serverProperties, 'utf8').catch(() => undefined);
  const listener =
    text === undefined ? undefined : parseProperties(text).get('advertised.listeners');
  return listener?.replace(/^PLAINTEXT:\/\//, '');
}

/** A KRaft cluster id: 16 random bytes, base64url without padding (what `StorageTool random-uuid` prints). */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id; // Kafka avoids ids that look like a command-line flag
  }
}

/** Wipes log.dirs and formats it for a new single-node cluster. Returns the cluster id. */
export async function formatStorage(paths = KAFKA_PATHS): Promise<string> {
  await rm(paths.data, { recursive: true, force: true });
  await mkdir(paths.data, { recursive: true });
  const clusterId = newClusterId();
  const args = [
    ...jvmLogging(paths),
    '-cp',
    classpath(paths),
    'kafka.tools.StorageTool',
    'format',
    '-t',
    clusterId,
    '-c',
    paths.serverProperties,
  ];
  try {
    await run('java', args, { cwd: WORKSPACE_ROOT });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`kafka.tools.StorageTool format failed:\n${tail(`${stdout}\n${stderr}`, 30)}`);
  }
  return clusterId;
}

export interface StartedBroker {
  pid: number;
  /** Resolves when the broker says "Kafka Server started" and answers a kafkajs admin client. */
  ready: Promise<void>;
}

/**
 * Starts `java kafka.Kafka server.properties` detached (it outlives this Node process), its
 * stdout/stderr appended to .local/kafka/logs/kafka.out, log4j writing .local/kafka/logs/server.log.
 */
export async function spawnBroker(
  config: KafkaInfraConfig,
  timeoutMs: number,
  paths = KAFKA_PATHS,
): Promise<StartedBroker> {
  await mkdir(paths.logs, { recursive: true });
  // Only log lines written after this point count as "started".
  const logOffset = await stat(paths.serverLog).then(
    (s) => s.size,
    () => 0,
  );
  const out = openSync(paths.processLog, 'a');
  const args = [
    ...config.heap,
    ...jvmLogging(paths),
    '-cp',
    classpath(paths),
    'kafka.Kafka',
    paths.serverProperties,
  ];
  const child = spawn('java', args, {
    cwd: WORKSPACE_ROOT,
    detached: true,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  child.unref();

  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid as number));
    child.once('error', (error) => reject(new Error(`could not start java: ${error.message}`)));
  });
  let exit: string | undefined;
  child.once('exit', (code, signal) => (exit = signal ? `signal ${signal}` : `exit code ${code}`));

  const ready = (async () => {
    const broker = brokerAddressOf(config);
    const deadline = Date.now() + timeoutMs;
    let logSaysStarted = false;
    while (Date.now() < deadline) {
      if (exit !== undefined) {
        throw new Error(
          `the broker (pid ${pid}) died during startup (${exit}).\n${await startupLogs(paths)}`,
        );
      }
      logSaysStarted ||= (await readFrom(paths.serverLog, logOffset)).includes(READY_LINE);
      if (logSaysStarted && (await isKafkaReachable(broker, 2_000))) return;
      await sleep(250);
    }
    throw new Error(
      `the broker (pid ${pid}) was not ready on ${broker} within ${timeoutMs / 1000}s.\n${await startupLogs(paths)}`,
    );
  })();
  return { pid, ready };
}

/** True when a Kafka broker at `broker` answers a kafkajs admin client (metadata + describeCluster). */
export async function isKafkaReachable(broker: string, timeoutMs = 2_000): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'infra-probe',
    brokers: [broker],
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** True when something accepts TCP connections on host:port (Kafka or not). */
export function isPortOpen(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function classpath(paths: typeof KAFKA_PATHS): string {
  return `${paths.libs}/*`;
}

function jvmLogging(paths: typeof KAFKA_PATHS): string[] {
  return [`-Dlog4j.configuration=file:${paths.log4jConfig}`, `-Dkafka.logs.dir=${paths.logs}`];
}

async function readFrom(file: string, offset: number): Promise<string> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return '';
  try {
    const { size } = await handle.stat();
    if (size <= offset) return '';
    const buffer = Buffer.alloc(size - offset);
    await handle.read(buffer, 0, buffer.length, offset);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

async function startupLogs(paths: typeof KAFKA_PATHS): Promise<string> {
  const server = await readFile(paths.serverLog, 'utf8').catch(() => '');
  const processOut = await readFile(paths.processLog, 'utf8').catch(() => '');
  return [
    `--- last lines of ${rel(paths.serverLog)} ---`,
    tail(server, 25),
    `--- last lines of ${rel(paths.processLog)} ---`,
    tail(processOut, 15),
  ].join('\n');
}
