import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { GrpcHealthClient } from '@ecommerce/grpc';
import type { AppName, InstanceName } from './stack';

export const WORKSPACE_ROOT = resolve(__dirname, '../../../..');
const LOG_DIR = join(WORKSPACE_ROOT, '.local', 'logs');
const MAX_KEPT_OUTPUT = 1024 * 1024;

/**
 * Where an app started by {@link AppProcess.start} writes its output: appended to, across runs.
 * Each replica has its own (`order-service-2.log`).
 */
export function appLogFile(instance: InstanceName): string {
  return join(LOG_DIR, `${instance}.log`);
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One app running as a real OS process from its build in `dist/apps/<name>/main.js`. */
export class AppProcess {
  readonly exited: Promise<Exit>;
  /** The most recent output, as the chunks it came in: see {@link logs}. */
  private readonly output: Buffer[] = [];
  private outputBytes = 0;
  private echoing = false;
  private exit: Exit | undefined;

  private constructor(
    readonly name: AppName,
    private readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    const log = createWriteStream(logFile, { flags: 'a' });
    const collect = (chunk: Buffer) => {
      // Keep the most recent output only: a long-running process must not grow without bound.
      // Chunks are kept as they came, and dropped whole from the front, so a chunk costs no
      // copy of what was kept before it (the stack relays every log line of six apps).
      this.output.push(chunk);
      this.outputBytes += chunk.length;
      while (this.outputBytes - (this.output[0]?.length ?? 0) >= MAX_KEPT_OUTPUT) {
        this.outputBytes -= (this.output.shift() as Buffer).length;
      }
      log.write(chunk);
      if (this.echoing) for (const line of chunk.toString().split('\n')) if (line) process.stdout.write(`[${name}] ${line}\n`);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolveExit) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        log.end();
        resolveExit(this.exit);
      });
    });
  }

  /** Starts `dist/apps/<name>/main.js` with exactly `env` (plus PATH/HOME); `instance` names its log file. */
  static start(name: AppName, env: Record<string, string>, instance: InstanceName = name): AppProcess {
    mkdirSync(LOG_DIR, { recursive: true });
    const main = join(WORKSPACE_ROOT, 'dist', 'apps', name, 'main.js');
    if (!existsSync(main)) throw new Error(`${main} does not exist: build the apps first (npm run build)`);
    const child = spawn(process.execPath, ['--enable-source-maps', main], {
      cwd: WORKSPACE_ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new AppProcess(name, child, appLogFile(instance));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Also print the process's output here, each line prefixed with the app's name. */
  echo(): this {
    this.echoing = true;
    return this;
  }

  /** Everything the process wrote to stdout and stderr so far. */
  get logs(): string {
    return Buffer.concat(this.output, this.outputBytes).toString('utf8');
  }

  /** SIGTERM, then SIGKILL if it is still running after `timeoutMs`. */
  async stop(timeoutMs = 10_000): Promise<Exit> {
    if (!this.running) return this.exit as Exit;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }

  /** SIGKILL: a crash, with no chance to clean up. */
  async kill(): Promise<Exit> {
    if (this.running) this.child.kill('SIGKILL');
    return this.exited;
  }
}

/**
 * Polls `check` until it returns true. A check that throws counts as not yet; after `timeoutMs`
 * fails with `what` and the last error, if any.
 */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  everyMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const last = lastError instanceof Error ? lastError.message : lastError;
      const cause = last === undefined ? '' : ` (last error: ${String(last)})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Waits until a backend's standard gRPC health service answers SERVING. It first waits, without
 * connecting, until something listens on the port (see {@link isListening}): a client that
 * keeps connecting to a port with no listener yet walks the kernel's ephemeral ports for that
 * destination, and when the walk reaches the port itself (start:local's 50051–50055 are in
 * the ephemeral range) the connection connects to itself, holds the port, and the app's own
 * bind fails with EADDRINUSE.
 */
export async function waitForServing(address: string, timeoutMs = 30_000, app?: AppProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const port = Number(address.split(':').pop());
  const client = new GrpcHealthClient(address);
  const failIfExited = () => {
    if (app && !app.running) throw new Error(`${app.name} exited:\n${app.logs}`);
  };
  try {
    await waitFor(
      `a listener on ${address}`,
      async () => {
        failIfExited();
        return isListening(port) !== false;
      },
      timeoutMs,
      50,
    );
    await waitFor(
      `gRPC health SERVING at ${address}`,
      async () => {
        failIfExited();
        return (await client.check(1_000)) === 'SERVING';
      },
      Math.max(1_000, deadline - Date.now()),
    );
  } catch (error) {
    if (app && !app.running) throw new Error(`${app.name} exited before it was ready:\n${app.logs}`);
    throw error;
  } finally {
    client.close();
  }
}

/**
 * Whether a socket listens on TCP `port` (any address), read from /proc/net/tcp and tcp6
 * without connecting to it; undefined where /proc is not there (not Linux).
 */
export function isListening(port: number): boolean | undefined {
  let readable = false;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let table: string;
    try {
      table = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    readable = true;
    // "  sl  local_address rem_address   st ...": local as HEXADDR:HEXPORT, state 0A is LISTEN.
    for (const line of table.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === '0A' && local && Number.parseInt(local.split(':')[1] ?? '', 16) === port) return true;
    }
  }
  return readable ? false : undefined;
}

/** Ports {@link freePort} handed out in this process: never the same one twice. */
const handedOut = new Set<number>();
/** Where {@link freePort} looks first: above the well-known and registered ports most servers use. */
const FREE_PORT_FLOOR = 20_000;

/**
 * A port nothing listens on, for a process about to bind it. Picked below the kernel's
 * ephemeral range (`/proc/sys/net/ipv4/ip_local_port_range`): a port `listen(0)` hands out
 * comes from that range, which is also where every outgoing connection gets its local port
 * (a Kafka or Postgres client of the stack), so between this check and the app's bind such
 * a connection could take it, and the app would fail with EADDRINUSE. Below the range only
 * another listener can take it, and the port is checked to have none.
 */
export async function freePort(): Promise<number> {
  const ceiling = ephemeralPortFloor() - 1;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = FREE_PORT_FLOOR + Math.floor(Math.random() * (ceiling - FREE_PORT_FLOOR + 1));
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port between ${FREE_PORT_FLOOR} and ${ceiling} after 200 tries`);
}

/** The first port of the kernel's ephemeral range; 32768 where it cannot be read, or is too low to leave room below. */
function ephemeralPortFloor(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(first) && first > FREE_PORT_FLOOR + 1_000 ? first : 32_768;
  } catch {
    return 32_768;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
  });
}
