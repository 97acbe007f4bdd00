import * as grpc from '@grpc/grpc-js';
import { grpcServerMetricsInterceptor } from './grpc-server-interceptor';
import { createMetricsRegistry } from './registry';

/**
 * A real grpc-js server on a free port with one tiny service, whose handler answers with
 * whatever status the request asks for: the interceptor must count each call with the
 * status the client received.
 */
const json = {
  serialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
  deserialize: (buffer: Buffer) => JSON.parse(buffer.toString()) as unknown,
};
const definition: grpc.ServiceDefinition = {
  Echo: {
    path: '/test.echo.v1.EchoService/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
};
type Request = { code: number; delayMs?: number };

describe('grpcServerMetricsInterceptor', () => {
  const registry = createMetricsRegistry('test-service');
  const server = new grpc.Server({ interceptors: [grpcServerMetricsInterceptor(registry)] });
  let client: grpc.Client & {
    Echo(request: Request, options: grpc.CallOptions, callback: grpc.requestCallback<unknown>): grpc.ClientUnaryCall;
  };

  beforeAll(async () => {
    server.addService(definition, {
      Echo: (call: grpc.ServerUnaryCall<Request, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        const { code, delayMs = 0 } = call.request;
        setTimeout(() => (code === grpc.status.OK ? callback(null, {}) : callback({ code, details: 'as asked' })), delayMs);
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    const Client = grpc.makeGenericClientConstructor(definition, 'EchoService');
    client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as typeof client;
  });

  afterAll(() => {
    client.close();
    server.forceShutdown();
  });

  const echo = (request: Request, deadlineMs = 5_000) =>
    new Promise<number>((resolve) => {
      client.Echo(request, { deadline: Date.now() + deadlineMs }, (error: grpc.ServiceError | null) =>
        resolve(error ? error.code : grpc.status.OK),
      );
    });

  async function count(code: string): Promise<{ handled: number; timed: number }> {
    const labels = { grpc_service: 'test.echo.v1.EchoService', grpc_method: 'Echo', grpc_code: code };
    const matches = (v: { labels: Record<string, unknown> }) =>
      Object.entries(labels).every(([key, value]) => v.labels[key] === value);
    const handled = (await registry.getSingleMetric('grpc_server_handled_total')?.get())?.values.find(matches)?.value ?? 0;
    const timed =
      (
        (await registry.getSingleMetric('grpc_server_handling_seconds')?.get())?.values as
          | Array<{ metricName?: string; labels: Record<string, unknown>; value: number }>
          | undefined
      )?.find((v) => v.metricName === 'grpc_server_handling_seconds_count' && matches(v))?.value ?? 0;
    return { handled, timed };
  }

  it('counts and times each call by the status the client received', async () => {
    await expect(echo({ code: grpc.status.OK })).resolves.toBe(grpc.status.OK);
    await expect(echo({ code: grpc.status.OK })).resolves.toBe(grpc.status.OK);
    await expect(echo({ code: grpc.status.NOT_FOUND })).resolves.toBe(grpc.status.NOT_FOUND);
    await expect(echo({ code: grpc.status.INVALID_ARGUMENT })).resolves.toBe(grpc.status.INVALID_ARGUMENT);

    expect(await count('OK')).toEqual({ handled: 2, timed: 2 });
    expect(await count('NOT_FOUND')).toEqual({ handled: 1, timed: 1 });
    expect(await count('INVALID_ARGUMENT')).toEqual({ handled: 1, timed: 1 });
  });

  it('counts a call that outlives its deadline once', async () => {
    const total = async () =>
      (await Promise.all(['OK', 'DEADLINE_EXCEEDED', 'CANCELLED'].map(count))).reduce((sum, c) => sum + c.handled, 0);
    const before = await total();
    await expect(echo({ code: grpc.status.OK, delayMs: 300 }, 50)).resolves.toBe(grpc.status.DEADLINE_EXCEEDED);
    await new Promise((resolve) => setTimeout(resolve, 400)); // the handler answers late
    expect(await total()).toBe(before + 1);
  });
});
