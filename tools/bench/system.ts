/**
 * The system under test: the local stack started here (built apps on free ports, the Kafka
 * broker of `npm run infra:up`, migrated databases), or a running one named by
 * BENCH_GATEWAY_URL; and which pids are its processes, for the CPU figures.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  BACKEND_NAMES,
  BACKENDS,
  databaseUrl,
  SmtpSink,
  Stack,
  WORKSPACE_ROOT,
} from '@ecommerce/testing';
import { KAFKA_PATHS } from '../infra/config';
import { kafkaBrokerAddress } from '../infra/kafka';
import { isAlive, readPidFile } from '../infra/pids';
import { npmRun, prepareStack } from '../scripts/run';
import { tunedSettings } from './config';
import { type CpuSource, environOf, pidListeningOn, readProcStat } from './cpu';
import { databaseOf } from './sql';

export interface System {
  /** The first gateway: the HTTP phase's target. */
  gatewayUrl: string;
  /** Every gateway (one per replica): the saga phases spread their requests over them. */
  gatewayUrls: string[];
  kafkaBroker: string;
  /** A connection string to the `postgres` database of the same server: the floor and the counters. */
  postgresUrl: string;
  /** The service databases, whose statements are counted. */
  databases: string[];
  cpuSources: Map<string, CpuSource>;
  notes: string[];
  stop: () => Promise<void>;
}

/**
 * Rate limits of the stack this bench starts, raised the way the e2e suite raises them: the
 * bench registers and logs in its customers from one IP and sends far more than 50 requests/s
 * from it. A fresh prefix keeps earlier runs' buckets out of the way.
 */
export function benchStackEnv(env: NodeJS.ProcessEnv, smtpUrl: string): NodeJS.ProcessEnv {
  return {
    ...env,
    SMTP_URL: smtpUrl,
    RATE_LIMIT_PER_SECOND: '100000',
    RATE_LIMIT_BURST: '100000',
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_PREFIX: `bench-${Date.now()}`,
  };
}

/**
 * Starts the stack, with `replicas` processes of every app (or attaches to BENCH_GATEWAY_URL),
 * and finds its processes.
 */
export async function bringUpSystem(
  gatewayUrl: string | undefined,
  replicas: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<System> {
  const notes: string[] = [];
  let gatewayUrls = gatewayUrl ? [gatewayUrl] : [];
  const databases = BACKEND_NAMES.map((name) =>
    databaseOf(databaseUrl(BACKENDS[name].database, env)),
  );
  const postgres = new URL(databaseUrl('postgres', env));
  postgres.pathname = '/postgres';
  const postgresUrl = postgres.toString();
  const kafkaBroker = env['KAFKA_BROKERS']?.split(',')[0] ?? kafkaBrokerAddress(env);
  const cpuSources = new Map<string, CpuSource>();
  let stop = async () => undefined as void;

  if (gatewayUrl) {
    notes.push(`measured the running stack at ${gatewayUrl}: its own rate limits apply`);
    const gatewayPid = pidListeningOn(Number(new URL(gatewayUrl).port || 80));
    if (gatewayPid === undefined) {
      notes.push(
        'no pid listens on the gateway port here (another host or container?): no per-app CPU',
      );
    } else {
      cpuSources.set('gateway', { kind: 'process', pid: gatewayPid });
      // The gateway's environment names every backend's address.
      const gatewayEnv = environOf(gatewayPid) ?? {};
      for (const name of BACKEND_NAMES) {
        const address = gatewayEnv[`${name.split('-')[0]?.toUpperCase()}_SERVICE_URL`];
        const pid = address ? pidListeningOn(Number(address.split(':').pop())) : undefined;
        if (pid === undefined)
          notes.push(
            `${name}: pid not found from the gateway's environment: its CPU is not counted`,
          );
        else cpuSources.set(name, { kind: 'process', pid });
      }
    }
  } else {
    const tuned = tunedSettings(env);
    if (tuned.length > 0) notes.push(`not the default configuration: ${tuned.join(', ')}`);
    const { startedKafka } = await prepareStack(env);
    if (startedKafka) notes.push('the Kafka broker was started by this run and is left running');
    const missing = ['gateway', ...BACKEND_NAMES].filter(
      (app) => !existsSync(join(WORKSPACE_ROOT, 'dist', 'apps', app, 'main.js')),
    );
    if (missing.length > 0) await npmRun('build', env);
    const smtp = await SmtpSink.start();
    if (replicas > 1)
      notes.push(
        `${replicas} processes of every app: the saga phases spread their requests over the ${replicas} gateways, the HTTP phase loads the first`,
      );
    const stack = await Stack.startOnFreePorts({
      replicas,
      logLevel: 'warn',
      env: benchStackEnv(env, smtp.url),
    }).catch(async (error: unknown) => {
      await smtp.stop();
      throw error;
    });
    gatewayUrl = stack.gatewayUrl;
    gatewayUrls = stack.gatewayUrls;
    for (const [name, app] of stack.apps)
      if (app.pid !== undefined) cpuSources.set(name, { kind: 'process', pid: app.pid });
    stop = async () => {
      await stack.stop();
      await smtp.stop();
    };
  }

  const kafkaPid = await brokerPid(kafkaBroker);
  if (kafkaPid === undefined)
    notes.push(`no local process listens on ${kafkaBroker}: the broker's CPU is not counted`);
  else cpuSources.set('kafka (JVM)', { kind: 'process', pid: kafkaPid });

  const postmaster = await postmasterPid(postgresUrl);
  if (postmaster === undefined)
    notes.push('the Postgres server is not a local process here: its CPU is not counted');
  else cpuSources.set('postgres (all backends)', { kind: 'tree', pid: postmaster });

  return { gatewayUrl, gatewayUrls, kafkaBroker, postgresUrl, databases, cpuSources, notes, stop };
}

/** The broker `npm run infra:up` recorded, else whoever listens on the broker's port. */
async function brokerPid(broker: string): Promise<number | undefined> {
  const recorded = await readPidFile(KAFKA_PATHS.pidFile);
  if (recorded !== undefined && isAlive(recorded)) return recorded;
  return pidListeningOn(Number(broker.split(':').pop()));
}

/** The parent of our own backend is the postmaster, when the server runs on this machine. */
export async function postmasterPid(postgresUrl: string): Promise<number | undefined> {
  const client = new Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]
      ?.pid;
    return pid === undefined ? undefined : readProcStat(pid)?.ppid;
  } finally {
    await client.end();
  }
}
