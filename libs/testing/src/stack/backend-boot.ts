import { GrpcHealthClient } from '@ecommerce/grpc';
import { AppProcess, freePort, waitFor, waitForServing } from './processes';
import { metricValue, scrape } from '../metrics/prometheus';
import { appEnv, type BackendName } from './stack';

/**
 * The boot contract every backend keeps, as one shared suite each service's integration
 * test runs against its own built process: it serves the standard gRPC health service,
 * reports SERVING only while its own database answers, serves Prometheus metrics on
 * METRICS_PORT, exits cleanly on SIGTERM, and refuses to start without its database URL.
 */
export function describeBackendBoot(name: BackendName, grpcServiceName: string): void {
  describe(`${name} as a real process`, () => {
    let app: AppProcess | undefined;
    let clients: GrpcHealthClient[] = [];

    async function start(overrides: Record<string, string> = {}) {
      const port = await freePort();
      const metricsPort = await freePort();
      const env = appEnv(name, { grpcPorts: { [name]: port }, metricsPorts: { [name]: metricsPort } });
      app = AppProcess.start(name, { ...env, ...overrides });
      const address = `127.0.0.1:${port}`;
      const client = new GrpcHealthClient(address);
      clients.push(client);
      return { app, address, client, metricsUrl: `http://127.0.0.1:${metricsPort}` };
    }

    afterEach(async () => {
      clients.forEach((client) => client.close());
      clients = [];
      await app?.stop();
      app = undefined;
    });

    it('serves gRPC health SERVING for the server and its service, backed by its own database', async () => {
      const { app, address, client } = await start();
      await waitForServing(address, 30_000, app);
      await expect(client.check(2_000, grpcServiceName)).resolves.toBe('SERVING');
      await expect(client.check(2_000, 'ecommerce.nope.v1.NoSuchService')).resolves.toBe('SERVICE_UNKNOWN');
      expect(app.logs).toContain(`${name} is ready`);
    });

    it('serves Prometheus metrics on METRICS_PORT, counting every gRPC call by its status', async () => {
      const { app, address, client, metricsUrl } = await start();
      await waitForServing(address, 30_000, app);
      const check = (code: string) => ({ grpc_service: 'grpc.health.v1.Health', grpc_method: 'Check', grpc_code: code, service: name });
      const before = await scrape(`${metricsUrl}/metrics`);
      await expect(client.check(2_000, grpcServiceName)).resolves.toBe('SERVING');
      await expect(client.check(2_000, 'ecommerce.nope.v1.NoSuchService')).resolves.toBe('SERVICE_UNKNOWN');

      const response = await fetch(`${metricsUrl}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const after = await response.text();
      expect(metricValue(after, 'grpc_server_handled_total', check('OK'))).toBe(metricValue(before, 'grpc_server_handled_total', check('OK')) + 1);
      expect(metricValue(after, 'grpc_server_handled_total', check('NOT_FOUND'))).toBe(
        metricValue(before, 'grpc_server_handled_total', check('NOT_FOUND')) + 1,
      );
      expect(metricValue(after, 'grpc_server_handling_seconds_count', check('OK'))).toBeGreaterThan(0);
      expect(metricValue(after, 'process_cpu_user_seconds_total', { service: name })).toBeGreaterThan(0);
      expect((await fetch(`${metricsUrl}/nope`)).status).toBe(404);
    });

    it('stops on SIGTERM: health goes away and the process exits 0', async () => {
      const { app, address, client } = await start();
      await waitForServing(address, 30_000, app);
      await expect(app.stop()).resolves.toEqual({ code: 0, signal: null });
      expect(app.logs).toContain('shutdown complete');
      await expect(client.check(1_000)).resolves.toBe('UNREACHABLE');
    });

    it('reports NOT_SERVING while its database cannot be reached', async () => {
      const { app, client } = await start({
        DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/ecommerce_database_that_does_not_exist',
      });
      await waitFor(`${name} to log that it is not ready`, async () => app.logs.includes('is not ready'), 30_000);
      await expect(client.check(2_000)).resolves.toBe('NOT_SERVING');
      await expect(client.check(2_000, grpcServiceName)).resolves.toBe('NOT_SERVING');
    });

    it('refuses to start without DATABASE_URL, naming it in one line', async () => {
      const env = appEnv(name);
      delete env['DATABASE_URL'];
      app = AppProcess.start(name, env);
      const exit = await app.exited;
      expect(exit.code).toBe(1);
      const lines = app.logs.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^${name}: Invalid configuration: DATABASE_URL is required`));
    });
  });
}
