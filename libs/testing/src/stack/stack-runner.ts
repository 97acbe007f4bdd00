import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppProcess, freePort, waitFor, waitForServing, WORKSPACE_ROOT } from './processes';
import { ServiceTokens } from '@ecommerce/grpc';
import {
  APP_NAMES,
  type AppName,
  appEnv,
  BACKEND_NAMES,
  type BackendName,
  generateServiceKeys,
  grpcAddress,
  HOST,
  serviceCredentials,
  type ServiceKeys,
  type StackOptions,
} from './stack';

export interface StackState {
  gatewayUrl: string;
  apps: Record<AppName, { pid: number; env: Record<string, string>; logFile: string }>;
  /** Where the e2e global setup serves the mail its SMTP sink received, as JSON (`?to=<address>`). */
  mailUrl?: string;
  /** Where the e2e global setup serves the spans its OTLP receiver got, as JSON (`?traceId=<hex>`). */
  tracesUrl?: string;
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

/** Every app of the platform running as a real process, started from one {@link StackOptions}. */
export class Stack {
  private constructor(
    readonly options: StackOptions & { gatewayPort: number; serviceKeys: ServiceKeys },
    readonly apps: Map<AppName, AppProcess>,
  ) {}

  get gatewayUrl(): string {
    return `http://${HOST}:${this.options.gatewayPort}`;
  }

  /**
   * Starts the five backends, waits until each reports SERVING, then starts the gateway. The
   * callers' service keys are generated here (unless given) and reach each app in its env.
   */
  static async start(options: StackOptions = {}, onStart?: (app: AppProcess) => void): Promise<Stack> {
    const gatewayPort = options.gatewayPort ?? Number((options.env ?? process.env)['GATEWAY_PORT'] ?? 3000);
    const serviceKeys = options.serviceKeys ?? generateServiceKeys();
    const stack = new Stack({ ...options, gatewayPort, serviceKeys }, new Map());
    try {
      await Promise.all(BACKEND_NAMES.map((name) => stack.startApp(name, onStart)));
      await stack.startApp('gateway', onStart);
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  /** A stack on free ports, so it can run beside a developer's own. */
  static async startOnFreePorts(options: StackOptions = {}): Promise<Stack> {
    const ports = await Promise.all(APP_NAMES.map(() => freePort()));
    const grpcPorts = Object.fromEntries(BACKEND_NAMES.map((name, i) => [name, ports[i + 1]])) as Record<BackendName, number>;
    const metricsPorts = Object.fromEntries(
      await Promise.all(BACKEND_NAMES.map(async (name) => [name, await freePort()] as const)),
    ) as Record<BackendName, number>;
    return Stack.start({ ...options, gatewayPort: ports[0], grpcPorts, metricsPorts });
  }

  env(name: AppName): Record<string, string> {
    return appEnv(name, this.options);
  }

  /** Service credentials this stack's backends accept: for a test's own gRPC client. */
  credentials(): ServiceTokens {
    return serviceCredentials(this.options.serviceKeys);
  }

  async startApp(name: AppName, onStart?: (app: AppProcess) => void): Promise<AppProcess> {
    const app = AppProcess.start(name, this.env(name));
    this.apps.set(name, app);
    onStart?.(app);
    if (name === 'gateway') {
      await waitFor(`gateway at ${this.gatewayUrl}`, async () => {
        if (!app.running) throw new Error(`gateway exited:\n${app.logs}`);
        return (await fetch(`${this.gatewayUrl}/health/live`)).ok;
      });
    } else {
      await waitForServing(grpcAddress(name, this.options), 60_000, app);
    }
    return app;
  }

  async stopApp(name: AppName): Promise<void> {
    await this.apps.get(name)?.stop();
  }

  /** Gateway first (no new requests), then the backends. */
  async stop(): Promise<void> {
    await this.apps.get('gateway')?.stop();
    await Promise.all(BACKEND_NAMES.map((name) => this.apps.get(name)?.stop()));
  }

  state(): StackState {
    const apps = {} as StackState['apps'];
    for (const [name, app] of this.apps) apps[name] = { pid: app.pid ?? -1, env: this.env(name), logFile: app.logFile };
    return { gatewayUrl: this.gatewayUrl, apps };
  }
}

/**
 * The stack the e2e global setup started, seen from inside a test file (another process
 * context): read its description, stop an app by pid, start it again with the same env.
 */
export class E2eStack {
  private readonly started = new Map<AppName, AppProcess>();

  constructor(readonly state: StackState = JSON.parse(readFileSync(e2eStateFile(), 'utf8')) as StackState) {}

  get gatewayUrl(): string {
    return this.state.gatewayUrl;
  }

  /** Service credentials the running backends accept (the gateway's): for a test's own gRPC client. */
  credentials(): ServiceTokens {
    return new ServiceTokens(
      'gateway',
      this.state.apps.gateway.env['SERVICE_PRIVATE_KEY'] as string,
    );
  }

  /** SIGTERM to the app's current process; resolves once it has exited. */
  async stop(name: AppName): Promise<void> {
    const own = this.started.get(name);
    if (own) {
      await own.stop();
      return;
    }
    const { pid } = this.state.apps[name];
    signal(pid, 'SIGTERM');
    await waitFor(`${name} (pid ${pid}) to exit`, async () => !alive(pid), 15_000, 100);
  }

  /** Whether the app's current process is alive. */
  isRunning(name: AppName): boolean {
    return alive(this.state.apps[name].pid);
  }

  /** SIGKILL to the app's current process (a crash: no shutdown hooks run); resolves once it has exited. */
  async kill(name: AppName): Promise<void> {
    const own = this.started.get(name);
    if (own) {
      await own.kill();
      return;
    }
    const { pid } = this.state.apps[name];
    signal(pid, 'SIGKILL');
    await waitFor(`${name} (pid ${pid}) to die`, async () => !alive(pid), 15_000, 50);
  }

  /** Starts the app again with the env it had, waits until it is ready, records its pid. */
  async start(name: AppName): Promise<void> {
    const { env } = this.state.apps[name];
    const app = AppProcess.start(name, env);
    this.started.set(name, app);
    this.state.apps[name] = { ...this.state.apps[name], pid: app.pid ?? -1 };
    writeFileSync(e2eStateFile(), JSON.stringify(this.state, null, 2));
    if (name !== 'gateway') await waitForServing(`${HOST}:${env['GRPC_PORT']}`, 60_000, app);
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
  const pids = Object.values(state.apps).map((app) => app.pid);
  pids.forEach((pid) => signal(pid, 'SIGTERM'));
  await waitFor('every app to exit', async () => pids.every((pid) => !alive(pid)), 15_000, 100).catch(() =>
    pids.forEach((pid) => signal(pid, 'SIGKILL')),
  );
}
