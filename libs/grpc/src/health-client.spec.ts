import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { GrpcHealth } from './health';
import { GrpcHealthClient } from './health-client';

const USER = 'ecommerce.user.v1.UserService';

/** A loopback gRPC server on a free port, with whatever `setup` adds to it. */
async function startServer(
  setup: (server: grpc.Server) => void,
): Promise<{ server: grpc.Server; address: string }> {
  const server = new grpc.Server();
  setup(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { server, address: `127.0.0.1:${port}` };
}

/** A stand-in health service whose Check does what `check` does. */
function fakeHealth(check: grpc.handleUnaryCall<unknown, unknown>): (server: grpc.Server) => void {
  return (server) =>
    server.addService(healthService, { check, watch: () => undefined, list: () => undefined });
}

describe('GrpcHealthClient', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });
  function track(server: grpc.Server, client: GrpcHealthClient) {
    cleanups.push(
      () => client.close(),
      () => server.forceShutdown(),
    );
  }

  it("reports the server's status, for the whole server by default and for a service by name", async () => {
    const health = new GrpcHealth([USER]);
    const { server, address } = await startServer((s) => health.implementation.addToServer(s));
    const client = new GrpcHealthClient(address);
    track(server, client);

    expect(client.address).toBe(address);
    expect(await client.check(1_000)).toBe('NOT_SERVING');
    health.setServing();
    expect(await client.check(1_000)).toBe('SERVING');
    expect(await client.check(1_000, USER)).toBe('SERVING');
    health.setNotServing();
    expect(await client.check(1_000, USER)).toBe('NOT_SERVING');
  });

  it('reports SERVICE_UNKNOWN for a service the server does not know', async () => {
    const health = new GrpcHealth([USER]);
    health.setServing();
    const { server, address } = await startServer((s) => health.implementation.addToServer(s));
    const client = new GrpcHealthClient(address);
    track(server, client);

    expect(await client.check(1_000, 'ecommerce.order.v1.OrderService')).toBe('SERVICE_UNKNOWN');
  });

  it('reports UNREACHABLE when the server answers Check with any other error', async () => {
    const { server, address } = await startServer(
      fakeHealth((_call, callback) => callback({ code: grpc.status.INTERNAL, details: 'boom' })),
    );
    const client = new GrpcHealthClient(address);
    track(server, client);

    expect(await client.check(1_000)).toBe('UNREACHABLE');
  });

  it('reports UNREACHABLE when nothing listens at the address', async () => {
    const { server, address } = await startServer(() => undefined);
    server.forceShutdown();
    const client = new GrpcHealthClient(address);
    cleanups.push(() => client.close());

    expect(await client.check(1_000)).toBe('UNREACHABLE');
  });

  it('gives up after timeoutMs on a server that never answers, with UNREACHABLE', async () => {
    const { server, address } = await startServer(fakeHealth(() => undefined));
    const client = new GrpcHealthClient(address);
    track(server, client);

    // Without its deadline the call would hang until Jest's own timeout fails the test.
    expect(await client.check(300)).toBe('UNREACHABLE');
  });
});
