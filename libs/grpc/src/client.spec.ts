import { type CallOptions, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { BrokenCircuitError, BulkheadRejectedError } from 'cockatiel';
import { Registry } from 'prom-client';
import { defer, type Observable } from 'rxjs';
import { grpcProtoOptions, type inventoryV1 } from '@ecommerce/contracts';
import { grpcChannel } from './channel';
import { type ResilienceOptions, ResilientGrpcClient } from './client';
import { generateServiceKeyPair, ServiceTokens, ServiceTokenVerifier } from './service-tokens';

/** One call as it reached the (fake) network. */
interface Attempt {
  method: string;
  request: unknown;
  metadata: Metadata;
  options: CallOptions;
  /** Date.now() when the call was sent. */
  at: number;
}

/**
 * Stands in for Nest's ClientGrpcProxy: `getService` hands back a client whose every method
 * records the attempt and answers with whatever `answer` decides, as Nest's unary methods do
 * (a cold Observable that errors with the gRPC error unchanged).
 */
class FakeGrpcProxy {
  static created: FakeGrpcProxy[] = [];
  readonly attempts: Attempt[] = [];
  serviceName?: string;
  closed = false;
  answer: (attempt: Attempt) => Promise<unknown> = async () => ({ answered: true });

  constructor(readonly options: unknown) {
    FakeGrpcProxy.created.push(this);
  }

  getService(name: string): unknown {
    this.serviceName = name;
    return new Proxy(
      {},
      {
        get: (_target, method) => (request: unknown, metadata: Metadata, options: CallOptions) =>
          defer(() => {
            const attempt = { method: String(method), request, metadata, options, at: Date.now() };
            this.attempts.push(attempt);
            return this.answer(attempt);
          }) as Observable<unknown>,
      },
    );
  }

  close(): void {
    this.closed = true;
  }
}

jest.mock('@nestjs/microservices', () => ({
  ClientGrpcProxy: jest.fn((options: unknown) => new FakeGrpcProxy(options)),
}));

type Inventory = inventoryV1.InventoryServiceClient;

const OPTIONS: ResilienceOptions = {
  deadlineMs: 750,
  retries: 2,
  breakerThreshold: 3,
  halfOpenAfterMs: 1_000,
  maxConcurrent: 10,
};

function grpcError(code: status): ServiceError {
  return Object.assign(new Error(`${code} ${status[code]}: from the fake backend`), {
    code,
    details: 'from the fake backend',
    metadata: new Metadata(),
  });
}

function setup(options: Partial<ResilienceOptions> = {}, metrics?: Registry) {
  const client = new ResilientGrpcClient<Inventory>('inventory', 'inventory.test:50052', {
    credentials: null,
    resilience: { ...OPTIONS, ...options },
    metrics,
  });
  const proxy = FakeGrpcProxy.created[FakeGrpcProxy.created.length - 1];
  return { client, proxy };
}

/** The call's outcome without an unhandled rejection while timers are still pending. */
function outcome(promise: Promise<unknown>): Promise<{ value?: unknown; error?: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

function getProduct(client: ResilientGrpcClient<Inventory>, idempotent = false) {
  return outcome(client.call('getProduct', { id: 'p-1' }, { idempotent }));
}

/** Every gRPC status code but OK, and the codes in it the breaker treats as an outage. */
const FAILURE_CODES = (
  Object.values(status).filter((v) => typeof v === 'number') as status[]
).filter((code) => code !== status.OK);
const OUTAGE = [status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.INTERNAL, status.UNKNOWN];
const REQUEST_ERRORS = FAILURE_CODES.filter((code) => !OUTAGE.includes(code));

beforeEach(() => {
  FakeGrpcProxy.created = [];
  jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
});

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('ResilientGrpcClient', () => {
  describe('the connection', () => {
    it("builds Nest's proxy from the service's proto options and url and asks for the service by its short name", () => {
      const { proxy } = setup();
      expect(proxy.options).toEqual({
        ...grpcProtoOptions('inventory'),
        url: 'inventory.test:50052',
        channelOptions: grpcChannel('inventory.test:50052').options,
      });
      expect(proxy.serviceName).toBe('InventoryService');

      new ResilientGrpcClient('user', 'users.test:50051', { credentials: null });
      expect(FakeGrpcProxy.created[1].serviceName).toBe('UserService');
    });

    it('given one address per replica, connects to them all (round robin)', () => {
      new ResilientGrpcClient('user', ['127.0.0.1:50051', '127.0.0.1:50061'], { credentials: null });
      const channel = grpcChannel(['127.0.0.1:50051', '127.0.0.1:50061']);
      expect(FakeGrpcProxy.created[0].options).toMatchObject({
        url: channel.target,
        channelOptions: channel.options,
      });
      expect(channel.target).toBe('ipv4:127.0.0.1:50051,127.0.0.1:50061');
    });

    it('sends the request and the metadata given, an empty Metadata when none is, and returns the answer', async () => {
      const { client, proxy } = setup();
      const response = { product: { id: 'p-1' } };
      proxy.answer = async () => response;
      const metadata = new Metadata();
      metadata.set('x-request-id', 'r-1');

      await expect(client.call('getProduct', { id: 'p-1' }, { metadata })).resolves.toBe(response);
      await client.call('listProducts', { page: 1, limit: 5 });

      expect(proxy.attempts.map((a) => [a.method, a.request])).toEqual([
        ['getProduct', { id: 'p-1' }],
        ['listProducts', { page: 1, limit: 5 }],
      ]);
      expect(proxy.attempts[0].metadata.toJSON()).toEqual({ 'x-request-id': ['r-1'] });
      expect(proxy.attempts[1].metadata).toBeInstanceOf(Metadata);
      expect(proxy.attempts[1].metadata.toJSON()).toEqual({});
    });

    it('closes the proxy on close()', () => {
      const { client, proxy } = setup();
      expect(proxy.closed).toBe(false);
      client.close();
      expect(proxy.closed).toBe(true);
    });
  });

  describe('service token', () => {
    const { privateKey, publicKey } = generateServiceKeyPair();
    // Signing and verifying take real asynchronous steps; the retry below waits 50 ms for real.
    beforeEach(() => jest.useRealTimers());

    function withCredentials() {
      const client = new ResilientGrpcClient<Inventory>('inventory', 'inventory.test:50052', {
        credentials: new ServiceTokens('gateway', privateKey),
        resilience: OPTIONS,
      });
      return {
        client,
        proxy: FakeGrpcProxy.created[FakeGrpcProxy.created.length - 1] as FakeGrpcProxy,
      };
    }

    it("sends the caller's token for the backend it calls on every call, and on every retry", async () => {
      const { client, proxy } = withCredentials();
      let failures = 1;
      proxy.answer = async () => {
        if (failures-- > 0) throw grpcError(status.UNAVAILABLE);
        return {};
      };
      const metadata = new Metadata();
      metadata.set('x-request-id', 'r-1');

      await client.call('getProduct', { id: 'p-1' }, { idempotent: true, metadata });
      await client.call('listProducts', { page: 1, limit: 5 });

      expect(proxy.attempts).toHaveLength(3);
      const verifier = new ServiceTokenVerifier('inventory-service', { gateway: publicKey });
      for (const attempt of proxy.attempts) {
        const [authorization] = attempt.metadata.get('authorization');
        await expect(verifier.verify(authorization as string)).resolves.toBe('gateway');
      }
      expect(proxy.attempts[0].metadata.get('x-request-id')).toEqual(['r-1']);
      // The caller's own metadata is left as it was given.
      expect(metadata.get('authorization')).toEqual([]);
    });

    it('sends none with credentials: null', async () => {
      const { client, proxy } = setup();
      await client.call('getProduct', { id: 'p-1' });
      expect(proxy.attempts[0].metadata.get('authorization')).toEqual([]);
    });
  });

  describe('deadline', () => {
    it('gives every call a deadline deadlineMs after it is sent', async () => {
      const { client, proxy } = setup({ deadlineMs: 1_234 });
      await getProduct(client);
      jest.advanceTimersByTime(10_000);
      await getProduct(client);

      expect(proxy.attempts).toHaveLength(2);
      for (const attempt of proxy.attempts) {
        expect(attempt.options.deadline).toBe(attempt.at + 1_234);
      }
      expect(proxy.attempts[1].at - proxy.attempts[0].at).toBe(10_000);
    });

    it("gives each retry a deadline of its own, not what is left of the first attempt's", async () => {
      jest.spyOn(Math, 'random').mockReturnValue(0.5);
      const { client, proxy } = setup();
      proxy.answer = async (attempt) => {
        if (proxy.attempts.length === 1) throw grpcError(status.UNAVAILABLE);
        return attempt;
      };
      const result = getProduct(client, true);
      await jest.runAllTimersAsync();

      expect((await result).error).toBeUndefined();
      const [first, second] = proxy.attempts;
      expect(second.at).toBeGreaterThan(first.at);
      expect(first.options.deadline).toBe(first.at + OPTIONS.deadlineMs);
      expect(second.options.deadline).toBe(second.at + OPTIONS.deadlineMs);
    });
  });

  describe('retries', () => {
    it('retries an idempotent call that failed with UNAVAILABLE and returns the answer that follows', async () => {
      const { client, proxy } = setup();
      const response = { product: { id: 'p-1' } };
      proxy.answer = async () => {
        if (proxy.attempts.length === 1) throw grpcError(status.UNAVAILABLE);
        return response;
      };
      const result = getProduct(client, true);
      await jest.runAllTimersAsync();

      expect(await result).toEqual({ value: response });
      expect(proxy.attempts).toHaveLength(2);
    });

    it.each([0, 1, 3])(
      'makes at most 1 + retries attempts (retries = %i), then surfaces the last error unchanged',
      async (retries) => {
        const { client, proxy } = setup({ retries, breakerThreshold: 100 });
        const errors: ServiceError[] = [];
        proxy.answer = async () => {
          errors.push(grpcError(status.UNAVAILABLE));
          throw errors[errors.length - 1];
        };
        const result = getProduct(client, true);
        await jest.runAllTimersAsync();

        expect(proxy.attempts).toHaveLength(retries + 1);
        expect((await result).error).toBe(errors[errors.length - 1]);
      },
    );

    it('never retries a call that is not marked idempotent', async () => {
      const { client, proxy } = setup({ retries: 5 });
      const error = grpcError(status.UNAVAILABLE);
      proxy.answer = async () => {
        throw error;
      };
      const results = [
        outcome(client.call('getProduct', { id: 'p-1' })),
        outcome(client.call('getProduct', { id: 'p-2' }, { idempotent: false })),
      ];
      await jest.runAllTimersAsync();

      expect(await Promise.all(results)).toEqual([{ error }, { error }]);
      expect(proxy.attempts).toHaveLength(2);
    });

    it.each(
      FAILURE_CODES.filter((code) => code !== status.UNAVAILABLE).map((code) => [
        status[code],
        code,
      ]),
    )('does not retry an idempotent call that failed with %s', async (_name, code) => {
      const { client, proxy } = setup({ retries: 5, breakerThreshold: 100 });
      const error = grpcError(code);
      proxy.answer = async () => {
        throw error;
      };
      const result = getProduct(client, true);
      await jest.runAllTimersAsync();

      expect(await result).toEqual({ error });
      expect(proxy.attempts).toHaveLength(1);
    });

    it('does not retry an error that carries no gRPC code', async () => {
      const { client, proxy } = setup({ retries: 5 });
      const error = new TypeError('a bug in the caller');
      proxy.answer = async () => {
        throw error;
      };
      const result = getProduct(client, true);
      await jest.runAllTimersAsync();

      expect(await result).toEqual({ error });
      expect(proxy.attempts).toHaveLength(1);
    });

    it('waits before each retry, longer and longer, but never more than half a second', async () => {
      jest.spyOn(Math, 'random').mockReturnValue(0.5);
      const { client, proxy } = setup({ retries: 7, breakerThreshold: 100 });
      proxy.answer = async () => {
        throw grpcError(status.UNAVAILABLE);
      };
      const result = getProduct(client, true);
      await jest.advanceTimersByTimeAsync(0);
      expect(proxy.attempts).toHaveLength(1);

      await jest.runAllTimersAsync();
      await result;
      expect(proxy.attempts).toHaveLength(8);
      const waits = proxy.attempts.slice(1).map((attempt, i) => attempt.at - proxy.attempts[i].at);
      for (const wait of waits) {
        expect(wait).toBeGreaterThan(0);
        expect(wait).toBeLessThanOrEqual(500);
      }
      for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThanOrEqual(waits[i - 1]);
      expect(waits[waits.length - 1]).toBeGreaterThan(4 * waits[0]);
    });
  });

  describe('circuit breaker', () => {
    /** Opens the breaker of a client with the default OPTIONS (threshold 3). */
    async function open(client: ResilientGrpcClient<Inventory>, proxy: FakeGrpcProxy) {
      proxy.answer = async () => {
        throw grpcError(status.UNAVAILABLE);
      };
      for (let i = 0; i < OPTIONS.breakerThreshold; i++) await getProduct(client);
      expect((await getProduct(client)).error).toBeInstanceOf(BrokenCircuitError);
    }

    it.each(OUTAGE.map((code) => [status[code], code]))(
      'opens after breakerThreshold consecutive %s failures and then refuses without a network call',
      async (_name, code) => {
        const { client, proxy } = setup();
        proxy.answer = async () => {
          throw grpcError(code);
        };
        for (let i = 0; i < OPTIONS.breakerThreshold; i++) {
          expect((await getProduct(client)).error).toMatchObject({ code });
        }
        expect(proxy.attempts).toHaveLength(OPTIONS.breakerThreshold);

        proxy.answer = async () => ({ healed: true });
        for (let i = 0; i < 3; i++) {
          expect((await getProduct(client)).error).toBeInstanceOf(BrokenCircuitError);
        }
        expect(proxy.attempts).toHaveLength(OPTIONS.breakerThreshold);
      },
    );

    it('stays closed one failure short of the threshold', async () => {
      const { client, proxy } = setup({ breakerThreshold: 4 });
      proxy.answer = async () => {
        throw grpcError(status.UNAVAILABLE);
      };
      for (let i = 0; i < 3; i++) await getProduct(client);
      proxy.answer = async () => ({ answered: true });

      expect(await getProduct(client)).toEqual({ value: { answered: true } });
      expect(proxy.attempts).toHaveLength(4);
    });

    it('counts consecutive failures only: a success starts the count again', async () => {
      const { client, proxy } = setup();
      let next: 'fail' | 'ok' = 'fail';
      proxy.answer = async () => {
        if (next === 'fail') throw grpcError(status.UNAVAILABLE);
        return { answered: true };
      };
      for (let round = 0; round < 3; round++) {
        next = 'fail';
        for (let i = 0; i < OPTIONS.breakerThreshold - 1; i++) await getProduct(client);
        next = 'ok';
        expect(await getProduct(client)).toEqual({ value: { answered: true } });
      }
      expect(proxy.attempts).toHaveLength(3 * OPTIONS.breakerThreshold);
    });

    it('is not opened by errors that blame the request, whatever their number', async () => {
      const { client, proxy } = setup({ breakerThreshold: 1 });
      for (const code of REQUEST_ERRORS) {
        proxy.answer = async () => {
          throw grpcError(code);
        };
        for (let i = 0; i < 2; i++)
          expect((await getProduct(client)).error).toMatchObject({ code });
      }
      proxy.answer = async () => ({ answered: true });

      expect(await getProduct(client)).toEqual({ value: { answered: true } });
      expect(proxy.attempts).toHaveLength(2 * REQUEST_ERRORS.length + 1);
    });

    it('refuses for halfOpenAfterMs, then lets a trial call through', async () => {
      const { client, proxy } = setup();
      await open(client, proxy);
      const attemptsWhenOpened = proxy.attempts.length;
      proxy.answer = async () => ({ answered: true });

      jest.advanceTimersByTime(OPTIONS.halfOpenAfterMs - 1);
      expect((await getProduct(client)).error).toBeInstanceOf(BrokenCircuitError);
      expect(proxy.attempts).toHaveLength(attemptsWhenOpened);

      jest.advanceTimersByTime(1);
      expect(await getProduct(client)).toEqual({ value: { answered: true } });
      expect(proxy.attempts).toHaveLength(attemptsWhenOpened + 1);
    });

    it('closes after a successful trial: calls flow again and it takes a full threshold to reopen', async () => {
      const { client, proxy } = setup();
      await open(client, proxy);
      jest.advanceTimersByTime(OPTIONS.halfOpenAfterMs);
      proxy.answer = async () => ({ answered: true });
      await getProduct(client);

      for (let i = 0; i < 5; i++)
        expect(await getProduct(client)).toEqual({ value: { answered: true } });

      proxy.answer = async () => {
        throw grpcError(status.UNAVAILABLE);
      };
      for (let i = 0; i < OPTIONS.breakerThreshold - 1; i++) await getProduct(client);
      const before = proxy.attempts.length;
      expect((await getProduct(client)).error).toMatchObject({ code: status.UNAVAILABLE });
      expect(proxy.attempts).toHaveLength(before + 1);
      expect((await getProduct(client)).error).toBeInstanceOf(BrokenCircuitError);
    });

    it('reopens at once when the trial fails, and waits halfOpenAfterMs again before the next trial', async () => {
      const { client, proxy } = setup();
      await open(client, proxy);
      jest.advanceTimersByTime(OPTIONS.halfOpenAfterMs);
      const trialError = grpcError(status.DEADLINE_EXCEEDED);
      proxy.answer = async () => {
        throw trialError;
      };

      expect(await getProduct(client)).toEqual({ error: trialError });
      const afterTrial = proxy.attempts.length;
      proxy.answer = async () => ({ answered: true });
      expect((await getProduct(client)).error).toBeInstanceOf(BrokenCircuitError);
      jest.advanceTimersByTime(OPTIONS.halfOpenAfterMs - 1);
      expect((await getProduct(client)).error).toBeInstanceOf(BrokenCircuitError);
      expect(proxy.attempts).toHaveLength(afterTrial);

      jest.advanceTimersByTime(1);
      expect(await getProduct(client)).toEqual({ value: { answered: true } });
      expect(proxy.attempts).toHaveLength(afterTrial + 1);
    });

    it('lets one trial call through at a time: others wait for its outcome', async () => {
      const { client, proxy } = setup();
      await open(client, proxy);
      jest.advanceTimersByTime(OPTIONS.halfOpenAfterMs);
      let finishTrial!: () => void;
      proxy.answer = () => new Promise((resolve) => (finishTrial = () => resolve({ trial: true })));
      const before = proxy.attempts.length;

      const trial = getProduct(client);
      const waiting = getProduct(client);
      await jest.advanceTimersByTimeAsync(0);
      expect(proxy.attempts).toHaveLength(before + 1);

      proxy.answer = async () => ({ after: true });
      finishTrial();
      expect(await trial).toEqual({ value: { trial: true } });
      expect(await waiting).toEqual({ value: { after: true } });
      expect(proxy.attempts).toHaveLength(before + 2);
    });

    it('counts every retry of an idempotent call as a failure', async () => {
      const { client, proxy } = setup({ retries: 2, breakerThreshold: 3 });
      proxy.answer = async () => {
        throw grpcError(status.UNAVAILABLE);
      };
      const result = getProduct(client, true);
      await jest.runAllTimersAsync();
      expect((await result).error).toMatchObject({ code: status.UNAVAILABLE });
      expect(proxy.attempts).toHaveLength(3);

      expect((await getProduct(client)).error).toBeInstanceOf(BrokenCircuitError);
      expect(proxy.attempts).toHaveLength(3);
    });

    it('stops retrying as soon as the circuit opens', async () => {
      const { client, proxy } = setup({ retries: 5, breakerThreshold: 2 });
      proxy.answer = async () => {
        throw grpcError(status.UNAVAILABLE);
      };
      const result = getProduct(client, true);
      await jest.runAllTimersAsync();

      expect((await result).error).toBeInstanceOf(BrokenCircuitError);
      expect(proxy.attempts).toHaveLength(2);
    });
  });

  describe('bulkhead', () => {
    it('lets maxConcurrent calls be in flight and rejects the next at once, without a network call', async () => {
      const { client, proxy } = setup({ maxConcurrent: 2 });
      const pending: Array<() => void> = [];
      proxy.answer = () =>
        new Promise((resolve) => pending.push(() => resolve({ answered: true })));
      const first = getProduct(client);
      const second = getProduct(client);
      await jest.advanceTimersByTimeAsync(0);

      const third = await getProduct(client);
      expect(third.error).toBeInstanceOf(BulkheadRejectedError);
      expect(proxy.attempts).toHaveLength(2);

      pending[0]();
      expect(await first).toEqual({ value: { answered: true } });
      const fourth = getProduct(client);
      await jest.advanceTimersByTimeAsync(0);
      expect(proxy.attempts).toHaveLength(3);

      pending[1]();
      pending[2]();
      expect(await second).toEqual({ value: { answered: true } });
      expect(await fourth).toEqual({ value: { answered: true } });
    });

    it('frees the slot of a failed call', async () => {
      const { client, proxy } = setup({ maxConcurrent: 1, breakerThreshold: 100 });
      proxy.answer = async () => {
        throw grpcError(status.NOT_FOUND);
      };
      for (let i = 0; i < 3; i++) {
        expect((await getProduct(client)).error).toMatchObject({ code: status.NOT_FOUND });
      }
      expect(proxy.attempts).toHaveLength(3);
    });

    it('does not hold a slot while a retry waits for its backoff', async () => {
      jest.spyOn(Math, 'random').mockReturnValue(0.5);
      const { client, proxy } = setup({ maxConcurrent: 1 });
      proxy.answer = async (attempt) => {
        if (attempt.request === 'flaky' && proxy.attempts.length === 1)
          throw grpcError(status.UNAVAILABLE);
        return { answered: attempt.request };
      };
      const flaky = outcome(client.call('getProduct', 'flaky' as never, { idempotent: true }));
      await jest.advanceTimersByTimeAsync(0);
      expect(proxy.attempts).toHaveLength(1);

      expect(await getProduct(client)).toEqual({ value: { answered: { id: 'p-1' } } });
      await jest.runAllTimersAsync();
      expect(await flaky).toEqual({ value: { answered: 'flaky' } });
      expect(proxy.attempts.map((a) => a.request)).toEqual(['flaky', { id: 'p-1' }, 'flaky']);
    });
  });

  describe('metrics', () => {
    async function handled(registry: Registry) {
      const metric = await registry.getSingleMetric('grpc_client_handled_total')?.get();
      return Object.fromEntries(
        (metric?.values ?? []).map((v) => [
          `${v.labels.grpc_service} ${v.labels.grpc_method} ${v.labels.grpc_code}`,
          v.value,
        ]),
      );
    }

    it('counts and times every attempt that reaches the network, by service, method and status', async () => {
      jest.spyOn(Math, 'random').mockReturnValue(0.5);
      const registry = new Registry();
      const { client, proxy } = setup({}, registry);
      proxy.answer = async () => {
        if (proxy.attempts.length === 1) throw grpcError(status.UNAVAILABLE);
        if (proxy.attempts.length === 3) throw grpcError(status.NOT_FOUND);
        return { answered: true };
      };
      const retried = getProduct(client, true);
      await jest.runAllTimersAsync();
      await retried;
      await getProduct(client);
      await outcome(client.call('listProducts', { page: 1, limit: 5 }));

      expect(await handled(registry)).toEqual({
        'ecommerce.inventory.v1.InventoryService GetProduct UNAVAILABLE': 1,
        'ecommerce.inventory.v1.InventoryService GetProduct OK': 1,
        'ecommerce.inventory.v1.InventoryService GetProduct NOT_FOUND': 1,
        'ecommerce.inventory.v1.InventoryService ListProducts OK': 1,
      });
      const seconds = await registry.getSingleMetric('grpc_client_handling_seconds')?.get();
      const counts = seconds?.values.filter(
        (v) => (v as { metricName?: string }).metricName === 'grpc_client_handling_seconds_count',
      );
      expect(counts?.reduce((sum, v) => sum + v.value, 0)).toBe(4);
    });

    it('does not count the calls the breaker or the bulkhead refuse', async () => {
      const registry = new Registry();
      const { client, proxy } = setup({ breakerThreshold: 1, maxConcurrent: 1 }, registry);
      let release!: () => void;
      proxy.answer = () => new Promise((resolve) => (release = () => resolve({ answered: true })));
      const slow = getProduct(client);
      await jest.advanceTimersByTimeAsync(0);
      expect((await getProduct(client)).error).toBeInstanceOf(BulkheadRejectedError);
      release();
      await slow;

      proxy.answer = async () => {
        throw grpcError(status.UNAVAILABLE);
      };
      await getProduct(client);
      expect((await getProduct(client)).error).toBeInstanceOf(BrokenCircuitError);

      expect(await handled(registry)).toEqual({
        'ecommerce.inventory.v1.InventoryService GetProduct OK': 1,
        'ecommerce.inventory.v1.InventoryService GetProduct UNAVAILABLE': 1,
      });
    });
  });
});
