import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath, service as healthService } from 'grpc-health-check';
import { grpcChannel } from './channel';

type Check = (
  request: { service: string },
  options: grpc.CallOptions,
  callback: grpc.requestCallback<unknown>,
) => void;
type HealthStub = grpc.Client & { check: Check };
const Health = (
  grpc.loadPackageDefinition(protoLoader.loadSync(healthProtoPath)) as unknown as {
    grpc: {
      health: {
        v1: {
          Health: new (
            target: string,
            credentials: grpc.ChannelCredentials,
            options: grpc.ChannelOptions,
          ) => HealthStub;
        };
      };
    };
  }
).grpc.health.v1.Health;

/** A loopback health server that counts the checks it answered. */
async function replica(): Promise<{ server: grpc.Server; address: string; calls: () => number }> {
  let calls = 0;
  const server = new grpc.Server();
  server.addService(healthService, {
    check: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => {
      calls++;
      callback(null, { status: 'SERVING' });
    },
    watch: () => undefined,
    list: () => undefined,
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { server, address: `127.0.0.1:${port}`, calls: () => calls };
}

function check(client: HealthStub): Promise<unknown> {
  return new Promise((resolve, reject) =>
    client.check({ service: '' }, { deadline: Date.now() + 2_000 }, (error, response) =>
      error ? reject(error) : resolve(response),
    ),
  );
}

describe('grpcChannel', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  function connect(addresses: string | string[]): HealthStub {
    const { target, options } = grpcChannel(addresses);
    const client = new Health(target, grpc.credentials.createInsecure(), options);
    cleanups.push(() => client.close());
    return client;
  }

  it('one address: that target, round robin over what it resolves to', () => {
    expect(grpcChannel('order-service:50052')).toEqual({
      target: 'order-service:50052',
      options: {
        'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
      },
    });
  });

  it('several: an ipv4: or ipv6: target listing them', () => {
    expect(grpcChannel(['127.0.0.1:50052', '127.0.0.1:50062']).target).toBe(
      'ipv4:127.0.0.1:50052,127.0.0.1:50062',
    );
    expect(grpcChannel(['[::1]:50052', '[::1]:50062']).target).toBe('ipv6:[::1]:50052,[::1]:50062');
  });

  it('spreads calls over every replica (pick_first, the default, would use one only)', async () => {
    const replicas = [await replica(), await replica()];
    cleanups.push(() => replicas.forEach(({ server }) => server.forceShutdown()));
    const client = connect(replicas.map((r) => r.address));
    // Round robin alternates once both connections are up; the first calls may all go to the first one up.
    for (let i = 0; i < 200 && replicas.some((r) => r.calls() === 0); i++) await check(client);
    expect(replicas.map((r) => r.calls() > 0)).toEqual([true, true]);
  });

  it('skips a replica that is down: every call is answered by the one that is up', async () => {
    const up = await replica();
    const down = await replica();
    down.server.forceShutdown();
    cleanups.push(() => up.server.forceShutdown());
    const client = connect([down.address, up.address]);
    for (let i = 0; i < 20; i++) await check(client);
    expect(up.calls()).toBe(20);
  });
});
