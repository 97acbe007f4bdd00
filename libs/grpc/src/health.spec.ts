import type { Server, ServiceError, UntypedServiceImplementation } from '@grpc/grpc-js';
import { GrpcHealth } from './health';

/** The handlers of the standard health service, as a gRPC server would get them. */
function handlersOf(health: GrpcHealth): UntypedServiceImplementation {
  let handlers: UntypedServiceImplementation = {};
  const server = {
    addService: (_definition: unknown, implementation: UntypedServiceImplementation) =>
      (handlers = implementation),
  };
  health.implementation.addToServer(server as unknown as Server);
  return handlers;
}

/** What the standard health service's Check answers for `service`, asked in process. */
function check(health: GrpcHealth, service: string): Promise<string> {
  const handlers = handlersOf(health);
  return new Promise((resolve) =>
    handlers.check(
      { request: { service } } as never,
      ((error: ServiceError | null, response?: { status: string }) =>
        resolve(error ? `error ${error.code}` : String(response?.status))) as never,
    ),
  );
}

const USER = 'ecommerce.user.v1.UserService';
const ORDER = 'ecommerce.order.v1.OrderService';

describe('GrpcHealth', () => {
  it('starts NOT_SERVING, for the whole server (the empty name) and each service named', async () => {
    const health = new GrpcHealth([USER, ORDER]);
    expect(await check(health, '')).toBe('NOT_SERVING');
    expect(await check(health, USER)).toBe('NOT_SERVING');
    expect(await check(health, ORDER)).toBe('NOT_SERVING');
  });

  it('knows no other service: NOT_FOUND, as the protocol asks', async () => {
    const health = new GrpcHealth([USER]);
    expect(await check(health, ORDER)).toBe('error 5');
    health.setServing();
    expect(await check(health, ORDER)).toBe('error 5');
  });

  it('setServing and setNotServing switch the server and every service together, as often as asked', async () => {
    const health = new GrpcHealth([USER, ORDER]);
    for (let round = 0; round < 2; round++) {
      health.setServing();
      expect([
        await check(health, ''),
        await check(health, USER),
        await check(health, ORDER),
      ]).toEqual(['SERVING', 'SERVING', 'SERVING']);
      health.setNotServing();
      expect([
        await check(health, ''),
        await check(health, USER),
        await check(health, ORDER),
      ]).toEqual(['NOT_SERVING', 'NOT_SERVING', 'NOT_SERVING']);
    }
  });

  it('streams each change to a Watch of the server or of a service', () => {
    const health = new GrpcHealth([USER]);
    const watch = (service: string) => {
      const seen: string[] = [];
      const call = {
        request: { service },
        write: (m: { status: string }) => seen.push(m.status),
        on: () => call,
      };
      (handlersOf(health).watch as (call: unknown) => void)(call);
      return seen;
    };
    const server = watch('');
    const user = watch(USER);
    health.setServing();
    health.setNotServing();
    expect(server).toEqual(['NOT_SERVING', 'SERVING', 'NOT_SERVING']);
    expect(user).toEqual(['NOT_SERVING', 'SERVING', 'NOT_SERVING']);
  });
});
