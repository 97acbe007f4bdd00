import { EVENTS } from '@ecommerce/contracts';
import type { KafkaLogger } from '@ecommerce/kafka';
import { Registry } from 'prom-client';
import type { SqlExecutor, TransactionRunner } from './database';
import type { InboxConsumerOptions } from './inbox-consumer';
import {
  ServiceMessaging,
  type ServiceMessagingOptions,
  type ServiceMessagingParts,
} from './service-messaging';

/** A start or stop that the test decides the outcome of, or that resolves at once. */
class Step {
  private pending: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  /** Failures queued for the next calls; `undefined` resolves. */
  failures: Array<Error | undefined> = [];
  /** Calls wait for {@link release} instead of resolving at once. */
  held = false;
  calls = 0;

  constructor(
    private readonly name: string,
    private readonly log: string[],
  ) {}

  readonly run = (): Promise<void> => {
    this.calls += 1;
    this.log.push(this.name);
    const failure = this.failures.shift();
    if (failure) return Promise.reject(failure);
    if (!this.held) return Promise.resolve();
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  };

  release(): void {
    this.held = false;
    for (const { resolve } of this.pending.splice(0)) resolve();
  }
}

class Fakes {
  readonly log: string[] = [];
  readonly producerConnect = new Step('producer.connect', this.log);
  readonly producerDisconnect = new Step('producer.disconnect', this.log);
  readonly relayStart = new Step('relay.start', this.log);
  readonly relayStop = new Step('relay.stop', this.log);
  readonly consumerStart = new Map<string, Step>();
  readonly consumerStop = new Map<string, Step>();
  readonly built = { producers: 0, relays: 0, consumers: [] as string[] };
  readonly handled: string[] = [];

  constructor(groups: string[]) {
    for (const group of groups) {
      this.consumerStart.set(group, new Step(`consumer ${group}.start`, this.log));
      this.consumerStop.set(group, new Step(`consumer ${group}.stop`, this.log));
    }
  }

  consumer(groupId: string): { start: Step; stop: Step } {
    const start = this.consumerStart.get(groupId);
    const stop = this.consumerStop.get(groupId);
    if (!start || !stop) throw new Error(`no fake consumer ${groupId}`);
    return { start, stop };
  }

  readonly parts: ServiceMessagingParts<SqlExecutor> = {
    producer: () => {
      this.built.producers += 1;
      return { connect: this.producerConnect.run, disconnect: this.producerDisconnect.run };
    },
    relay: () => {
      this.built.relays += 1;
      return { start: this.relayStart.run, stop: this.relayStop.run, backlog: async () => 0 };
    },
    consumer: (options: InboxConsumerOptions<SqlExecutor>) => {
      this.built.consumers.push(options.groupId);
      const consumer = {
        on: (event: { type: string }) => {
          this.handled.push(`${options.groupId}:${event.type}`);
          return consumer;
        },
        ignore: (event: { type: string }) => {
          this.handled.push(`${options.groupId}:${event.type} (ignored)`);
          return consumer;
        },
        start: this.consumer(options.groupId).start.run,
        stop: this.consumer(options.groupId).stop.run,
      };
      return consumer as unknown as ReturnType<ServiceMessagingParts<SqlExecutor>['consumer']>;
    },
  };
}

const db: TransactionRunner<SqlExecutor> = {
  $transaction: (fn) => fn({ $executeRawUnsafe: async () => 0 }),
};

interface Line {
  level: string;
  message?: string;
  fields: Record<string, unknown>;
}

function recordingLogger(): { logger: KafkaLogger; lines: Line[] } {
  const lines: Line[] = [];
  const levels = ['error', 'warn', 'info', 'debug'] as const;
  const logger = Object.fromEntries(
    levels.map((level) => [
      level,
      (fields: Record<string, unknown>, message?: string) =>
        lines.push({ level, fields, ...(message !== undefined ? { message } : {}) }),
    ]),
  ) as unknown as KafkaLogger;
  return { logger, lines };
}

function setUp(overrides: Partial<ServiceMessagingOptions<SqlExecutor>> = {}) {
  const groups = (overrides.consumers ?? [{ groupId: 'svc', topics: ['t'], db }]).map(
    (c) => c.groupId,
  );
  const fakes = new Fakes(groups);
  const { logger, lines } = recordingLogger();
  const messaging = new ServiceMessaging<SqlExecutor>({
    service: 'svc',
    brokers: '127.0.0.1:1',
    databaseUrl: 'postgresql://nowhere/db',
    consumers: [{ groupId: 'svc', topics: ['t'], db }],
    logger,
    registry: new Registry(),
    retryDelayMs: 20,
    parts: fakes.parts,
    ...overrides,
  });
  return { messaging, fakes, lines };
}

const until = async (check: () => boolean, ms = 2_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
};

describe('ServiceMessaging', () => {
  it('assertRunning throws before start and passes once producer, relay and consumer run', async () => {
    const { messaging, fakes, lines } = setUp();
    expect(() => messaging.assertRunning()).toThrow('messaging is not running: not started yet');
    await messaging.start();
    expect(() => messaging.assertRunning()).not.toThrow();
    expect(messaging.isRunning).toBe(true);
    expect(fakes.log).toEqual(['producer.connect', 'relay.start', 'consumer svc.start']);
    expect(lines).toContainEqual({
      level: 'info',
      fields: { outboxRelay: true, consumers: [{ groupId: 'svc', topics: ['t'] }] },
      message: 'messaging running',
    });
    await messaging.stop();
    expect(() => messaging.assertRunning()).toThrow('messaging is not running');
    expect(lines.at(-1)).toEqual({
      level: 'info',
      fields: {},
      message: 'messaging stopped: consumers, outbox relay, producer',
    });
  });

  it('stops in dependency order: consumer, relay, producer', async () => {
    const { messaging, fakes } = setUp();
    await messaging.start();
    fakes.log.length = 0;
    await messaging.stop();
    expect(fakes.log).toEqual(['consumer svc.stop', 'relay.stop', 'producer.disconnect']);
  });

  it('retries a failed start after retryDelayMs, stopping what it had started first', async () => {
    const { messaging, fakes, lines } = setUp();
    fakes.relayStart.failures.push(new Error('database is down'));
    const started = messaging.start();
    await until(() => fakes.relayStart.calls === 1);
    expect(() => messaging.assertRunning()).toThrow('messaging is not running: database is down');
    await started;
    expect(fakes.log).toEqual([
      'producer.connect',
      'relay.start',
      'producer.disconnect',
      'producer.connect',
      'relay.start',
      'consumer svc.start',
    ]);
    expect(lines).toContainEqual({
      level: 'warn',
      fields: { error: 'Error: database is down' },
      message: 'messaging could not start: retrying in 20 ms',
    });
    messaging.assertRunning();
    await messaging.stop();
  });

  it('builds new parts for every try, handlers registered on each', async () => {
    const { messaging, fakes } = setUp();
    messaging
      .consumer('svc')
      .on(EVENTS.PaymentCaptured, async () => undefined)
      .ignore(EVENTS.PaymentDeclined);
    fakes.consumer('svc').start.failures.push(new Error('broker is down'));
    await messaging.start();
    expect(fakes.built).toEqual({ producers: 2, relays: 2, consumers: ['svc', 'svc'] });
    expect(fakes.handled).toEqual([
      `svc:${EVENTS.PaymentCaptured.type}`,
      `svc:${EVENTS.PaymentDeclined.type} (ignored)`,
      `svc:${EVENTS.PaymentCaptured.type}`,
      `svc:${EVENTS.PaymentDeclined.type} (ignored)`,
    ]);
    // The consumer that failed to start is stopped with the rest of that try.
    expect(fakes.log.slice(0, 6)).toEqual([
      'producer.connect',
      'relay.start',
      'consumer svc.start',
      'consumer svc.stop',
      'relay.stop',
      'producer.disconnect',
    ]);
    await messaging.stop();
  });

  it('stops cleanly while waiting to retry: no further try, nothing left running', async () => {
    const { messaging, fakes } = setUp({ retryDelayMs: 60_000 });
    fakes.producerConnect.failures.push(new Error('broker is down'));
    const started = messaging.start();
    await until(() => fakes.producerConnect.calls === 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const before = Date.now();
    await messaging.stop();
    await started;
    expect(Date.now() - before).toBeLessThan(1_000);
    expect(fakes.producerConnect.calls).toBe(1);
    expect(fakes.log).toEqual(['producer.connect']);
    expect(() => messaging.assertRunning()).toThrow();
  });

  it('a stop during a start waits for it, and the start stops what it started', async () => {
    const { messaging, fakes } = setUp();
    fakes.relayStart.held = true;
    const started = messaging.start();
    await until(() => fakes.relayStart.calls === 1);
    const stopped = messaging.stop();
    fakes.relayStart.release();
    await stopped;
    await started;
    expect(fakes.log).toEqual([
      'producer.connect',
      'relay.start',
      'relay.stop',
      'producer.disconnect',
    ]);
    expect(fakes.consumer('svc').start.calls).toBe(0);
    expect(() => messaging.assertRunning()).toThrow();
  });

  it('runs beforeStart first on every try: while it fails, nothing is built or started', async () => {
    let seeded = false;
    let checks = 0;
    const { messaging, fakes } = setUp({
      beforeStart: async () => {
        checks += 1;
        if (!seeded) throw new Error('catalog not seeded');
      },
    });
    const started = messaging.start();
    await until(() => checks >= 2);
    expect(fakes.log).toEqual([]);
    expect(fakes.built).toEqual({ producers: 0, relays: 0, consumers: [] });
    expect(() => messaging.assertRunning()).toThrow('messaging is not running: catalog not seeded');
    seeded = true;
    await started;
    expect(fakes.log).toEqual(['producer.connect', 'relay.start', 'consumer svc.start']);
    await messaging.stop();
  });

  it('start is one background loop: calling it again returns the same promise', async () => {
    const { messaging, fakes } = setUp();
    const first = messaging.start();
    expect(messaging.start()).toBe(first);
    await first;
    expect(fakes.producerConnect.calls).toBe(1);
    await messaging.stop();
  });

  it('without a database URL runs no relay; several consumers start in turn and stop together', async () => {
    const consumers = ['users', 'orders'].map((groupId) => ({ groupId, topics: [groupId], db }));
    const { messaging, fakes } = setUp({ databaseUrl: undefined, consumers });
    messaging.consumer('users').on(EVENTS.UserRegistered, async () => undefined);
    messaging.consumer('orders').on(EVENTS.OrderConfirmed, async () => undefined);
    await messaging.start();
    await messaging.stop();
    expect(fakes.built.relays).toBe(0);
    expect(fakes.log).toEqual([
      'producer.connect',
      'consumer users.start',
      'consumer orders.start',
      'consumer users.stop',
      'consumer orders.stop',
      'producer.disconnect',
    ]);
    expect(fakes.handled).toEqual([
      `users:${EVENTS.UserRegistered.type}`,
      `orders:${EVENTS.OrderConfirmed.type}`,
    ]);
  });

  it('logs a part that does not stop cleanly and still stops the others', async () => {
    const { messaging, fakes, lines } = setUp();
    await messaging.start();
    fakes.relayStop.failures.push(new Error('connection reset'));
    await messaging.stop();
    expect(fakes.log.slice(-3)).toEqual(['consumer svc.stop', 'relay.stop', 'producer.disconnect']);
    expect(lines).toContainEqual({
      level: 'warn',
      fields: { error: 'Error: connection reset' },
      message: 'outbox relay did not stop cleanly',
    });
  });

  it('refuses handlers once started, and an unknown consumer group', async () => {
    const { messaging } = setUp();
    const handlers = messaging.consumer('svc');
    expect(() => messaging.consumer('nope')).toThrow('no consumer group nope');
    await messaging.start();
    expect(() => handlers.on(EVENTS.PaymentCaptured, async () => undefined)).toThrow(
      /registered after messaging started/,
    );
    await messaging.stop();
  });
});
