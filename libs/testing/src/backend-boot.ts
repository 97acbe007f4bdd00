import { GrpcHealthClient } from '@ecommerce/grpc';
import { AppProcess, freePort, waitFor, waitForServing } from './processes';
import { appEnv, type BackendName } from './stack';

/**
 * The boot contract every backend keeps, as one shared suite each service's integration
 * test runs against its own built process: it serves the standard gRPC health service,
 * reports SERVING only while its own database answers, exits cleanly on SIGTERM, and
 * refuses to start without its database URL.
 */
export function describeBackendBoot(name: BackendName, grpcServiceName: string): void {
  describe(`${name} as a real process`, () => {
    let app: AppProcess | undefined;
    let clients: GrpcHealthClient[] = [];

    async function start(overrides: Record<string, string> = {}) {
      const port = await freePort();
      app = AppProcess.start(name, { ...appEnv(name, { grpcPorts: { [name]: port } }), ...overrides });
      const address = `127.0.0.1:${port}`;
      const client = new GrpcHealthClient(address);
      clients.push(client);
      return { app, address, client };
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
