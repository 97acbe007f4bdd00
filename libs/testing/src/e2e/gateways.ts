import { AppProcess, freePort, waitFor } from '../stack/processes';
import { stack } from './api';

/**
 * Gateways a test file starts of its own, on free ports, beside the suite's gateway: the same
 * backends and Redis, and the env overrides the test needs (low limits, a bound, a Redis of its
 * own). Stop them in `afterAll`.
 */
export class ExtraGateways {
  private readonly started: AppProcess[] = [];

  /** Starts one with the suite gateway's env plus `overrides`; resolves to its URL once it is live. */
  async start(overrides: Record<string, string>): Promise<string> {
    const port = await freePort();
    const app = AppProcess.start('gateway', { ...stack.state.apps.gateway.env, GATEWAY_PORT: String(port), ...overrides });
    this.started.push(app);
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`gateway on ${port}`, async () => {
      if (!app.running) throw new Error(`gateway exited:\n${app.logs}`);
      return (await fetch(`${url}/health/live`)).ok;
    });
    return url;
  }

  /** The one started last. */
  get last(): AppProcess | undefined {
    return this.started.at(-1);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.started.map((app) => app.stop()));
  }
}
