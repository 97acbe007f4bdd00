import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppProcess, freePort, waitFor, waitForServing, WORKSPACE_ROOT } from './processes';
import { ServiceTokens } from '@ecommerce/grpc';
import {
  type AppName,
  appEnv,
  appOf,
  BACKEND_NAMES,
  gatewayPort,
  generateServiceKeys,
  grpcAddress,
  HOST,
  type InstanceName,
  instanceName,
  replicaCount,
  replicaOf,
  type ReplicaName,
  serviceCredentials,
  type ServiceKeys,
  type StackOptions,
} from './stack';

/** One running process of the stack, as the e2e tests see it. */
export interface InstanceState {
  pid: number;
  env: Record<string, string>;
  logFile: string;
}

export interface StackState {
  /** The first gateway's. */
  gatewayUrl: string;
  /** Every process, by instance: each app's first replica under the app's name, the others `<app>-2`, ... */
  apps: Record<AppName, InstanceState> & { [instance: ReplicaName]: InstanceState | undefined };
  /** Where the e2e global setup serves the mail its SMTP sink received, as JSON (`?to=<address>`). */
  mailUrl?: string;
  /** Where the e2e global setup serves the spans its OTLP receiver got, as JSON (`?traceId=<hex>`). */
  tracesUrl?: string;
  /** The Jaeger UI the gateway's console links an order's trace to (a link only: none runs). */
  jaegerUrl?: string;
  /** Each app's log file size before this stack started: what the run wrote begins there. */
  logOffsets?: Partial<Record<AppName, number>>;
}

/** Where the e2e global setup leaves the running stack's description for the tests. */
export const E2E_STATE_FILE = join(WORKSPACE_ROOT, '.local', 'e2e-stack.json');

/**
 * The state file of this e2e run: `E2E_STATE_FILE` from the environment when the global setup
 * chose one of its own (so two runs at once do not overwrite each other's), else the default.
 */
export function e2eStateFile(): string {
  return process.env['E2E_STATE_FILE'] ?? E2E_STATE_FILE;
}

/**
 * Every app of the platform running as real processes, started from one {@link StackOptions}:
 * one of each, or `replicas` of each on their own ports.
 */
export class Stack {
  private constructor(
    readonly options: StackOptions & { serviceKeys: ServiceKeys },
    readonly apps: Map<InstanceName, AppProcess>,
  ) {}

  get replicas(): number {
    return replicaCount(this.options);
  }

  /** The first gateway's URL. */
  get gatewayUrl(): string {
    return `http://${HOST}:${gatewayPort(this.options)}`;
  }

  /** Every gateway's URL, the first one's first. */
  get gatewayUrls(): string[] {
    return Array.from({ length: this.replicas }, (_, replica) => `http://${HOST}:${gatewayPort(this.options, replica)}`);
  }

  /**
   * Starts the five backends, waits until each reports SERVING, then the gateway. With
   * replicas, the first replica of every backend is up before the second starts, so the
   * first replicas are the ones that hold what a single process may hold (the outbox relay's
   * lock), and the gateways start last. The callers' service keys are generated here (unless
   * given) and reach each app in its env.
   */
  static async start(options: StackOptions = {}, onStart?: (app: AppProcess) => void): Promise<Stack> {
    const serviceKeys = options.serviceKeys ?? generateServiceKeys();
    const stack = new Stack({ ...options, serviceKeys }, new Map());
    try {
      for (let replica = 0; replica < stack.replicas; replica++) {
        await Promise.all(BACKEND_NAMES.map((name) => stack.startApp(name, onStart, replica)));
      }
      for (let replica = 0; replica < stack.replicas; replica++) await stack.startApp('gateway', onStart, replica);
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  /** A stack on free ports, so it can run beside a developer's own. */
  static async startOnFreePorts(options: StackOptions = {}): Promise<Stack> {
    const replicas = replicaCount(options);
    const ports = async () => Promise.all(Array.from({ length: replicas }, () => freePort()));
    const byBackend = async () => Object.fromEntries(await Promise.all(BACKEND_NAMES.map(async (name) => [name, await ports()] as const)));
    return Stack.start({
      ...options,
      gatewayPort: await ports(),
      grpcPorts: await byBackend(),
      metricsPorts: await byBackend(),
    });
  }

  env(name: AppName, replica = 0): Record<string, string> {
    return appEnv(name, this.options, replica);
  }

  /** Service credentials this stack's backends accept: for a test's own gRPC client. */
  credentials(): ServiceTokens {
    return serviceCredentials(this.options.serviceKeys);
  }

  async startApp(name: AppName, onStart?: (app: AppProcess) => void, replica = 0): Promise<AppProcess> {
    const instance = instanceName(name, replica);
    const app = AppProcess.start(name, this.env(name, replica), instance);
    this.apps.set(instance, app);
    onStart?.(app);
    if (name === 'gateway') {
      const url = `http://${HOST}:${gatewayPort(this.options, replica)}`;
      await waitFor(`${instance} at ${url}`, async () => {
        if (!app.running) throw new Error(`${instance} exited:\n${app.logs}`);
        return (await fetch(`${url}/health/live`)).ok;
      });
    } else {
      await waitForServing(grpcAddress(name, this.options, replica), 60_000, app);
    }
    return app;
  }

  async stopApp(name: AppName, replica = 0): Promise<void> {
    await this.apps.get(instanceName(name, replica))?.stop();
  }

  /** Gateways first (no new requests), then the backends. */
  async stop(): Promise<void> {
    const gateways = [...this.apps].filter(([instance]) => appOf(instance) === 'gateway');
    await Promise.all(gateways.map(([, app]) => app.stop()));
    await Promise.all([...this.apps].filter(([instance]) => appOf(instance) !== 'gateway').map(([, app]) => app.stop()));
  }

  state(): StackState {
    const apps = {} as StackState['apps'];
    for (const [instance, app] of this.apps) {
      apps[instance] = {
        pid: app.pid ?? -1,
        env: this.env(appOf(instance), replicaOf(instance)),
        logFile: app.logFile,
      };
    }
    return { gatewayUrl: this.gatewayUrl, apps };
  }
}

/**
 * The stack the e2e global setup started, seen from inside a test file (another process
 * context): read its description, stop an app by pid, start it again with the same env.
 */
export class E2eStack {
  private readonly started = new Map<InstanceName, AppProcess>();

  constructor(readonly state: StackState = JSON.parse(readFileSync(e2eStateFile(), 'utf8')) as StackState) {}

  /** The first gateway's URL. */
  get gatewayUrl(): string {
    return this.state.gatewayUrl;
  }

  /** The URL of every gateway running now (one unless the stack runs replicas), the first one's first. */
  get gatewayUrls(): string[] {
    const running = this.instancesOf('gateway').filter((instance) => this.isRunning(instance));
    const urls = running.map((instance) => `http://${HOST}:${this.instance(instance).env['GATEWAY_PORT']}`);
    return urls.length ? urls : [this.gatewayUrl];
  }

  /** The instances of `name`: `[name]`, or `[name, name-2, ...]` with replicas. */
  instancesOf(name: AppName): InstanceName[] {
    return (Object.keys(this.state.apps) as InstanceName[]).filter((instance) => appOf(instance) === name);
  }

  /** Service credentials the running backends accept (the gateway's): for a test's own gRPC client. */
  credentials(): ServiceTokens {
    return new ServiceTokens('gateway', this.state.apps.gateway.env['SERVICE_PRIVATE_KEY'] as string);
  }

  /** SIGTERM to the instance's current process; resolves once it has exited. */
  async stop(instance: InstanceName): Promise<void> {
    const own = this.started.get(instance);
    if (own) {
      await own.stop();
      return;
    }
    const { pid } = this.instance(instance);
    signal(pid, 'SIGTERM');
    await waitFor(`${instance} (pid ${pid}) to exit`, async () => !alive(pid), 15_000, 100);
  }

  /** Whether the instance's current process is alive. */
  isRunning(instance: InstanceName): boolean {
    return alive(this.instance(instance).pid);
  }

  /** SIGKILL to the instance's current process (a crash: no shutdown hooks run); resolves once it has exited. */
  async kill(instance: InstanceName): Promise<void> {
    const own = this.started.get(instance);
    if (own) {
      await own.kill();
      return;
    }
    const { pid } = this.instance(instance);
    signal(pid, 'SIGKILL');
    await waitFor(`${instance} (pid ${pid}) to die`, async () => !alive(pid), 15_000, 50);
  }

  /** Starts the instance again with the env it had, waits until it is ready, records its pid. */
  async start(instance: InstanceName): Promise<void> {
    const { env } = this.instance(instance);
    const name = appOf(instance);
    const app = AppProcess.start(name, env, instance);
    this.started.set(instance, app);
    this.state.apps[instance] = { ...this.instance(instance), pid: app.pid ?? -1 };
    writeFileSync(e2eStateFile(), JSON.stringify(this.state, null, 2));
    if (name !== 'gateway') await waitForServing(`${HOST}:${env['GRPC_PORT']}`, 60_000, app);
    else {
      const url = `http://${HOST}:${env['GATEWAY_PORT']}`;
      await waitFor(`${instance} at ${url}`, async () => {
        if (!app.running) throw new Error(`${instance} exited:\n${app.logs}`);
        return (await fetch(`${url}/health/live`)).ok;
      });
    }
  }

  private instance(instance: InstanceName): InstanceState {
    const state = this.state.apps[instance];
    if (!state) throw new Error(`the e2e stack has no ${instance}`);
    return state;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  if (alive(pid)) process.kill(pid, sig);
}

/** For the e2e global teardown: stop whatever the state file lists, even processes restarted by tests. */
export async function stopStackFromState(state: StackState): Promise<void> {
  const pids = Object.values(state.apps).flatMap((app) => (app ? [app.pid] : []));
  pids.forEach((pid) => signal(pid, 'SIGTERM'));
  await waitFor('every app to exit', async () => pids.every((pid) => !alive(pid)), 15_000, 100).catch(() =>
    pids.forEach((pid) => signal(pid, 'SIGKILL')),
  );
}
