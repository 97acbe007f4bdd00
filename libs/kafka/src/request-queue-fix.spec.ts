import { createKafka } from './client';

// The class kafkajs creates for every broker connection (see request-queue-fix.ts).
const RequestQueue = require('kafkajs/src/network/requestQueue') as new (options: object) => {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
};

const silent = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

function queue() {
  return new RequestQueue({
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    enforceRequestTimeout: true,
    clientId: 'spec',
    broker: '127.0.0.1:1',
    logger: { ...silent, namespace: () => silent },
  });
}

describe('the kafkajs request queue, as createKafka leaves it', () => {
  beforeAll(() => {
    createKafka({ clientId: 'spec', brokers: '127.0.0.1:1', logger: silent });
  });
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('arms no timer when nothing waits and nothing throttles (the library re-armed one every millisecond)', () => {
    const q = queue();
    q.checkPendingRequests();
    expect(q.throttleCheckTimeoutId).toBeNull();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('still re-checks waiting requests after the 10 ms interval', () => {
    const q = queue();
    const check = jest.spyOn(q, 'checkPendingRequests').mockImplementation(() => undefined);
    q.pending.push({});
    (q as unknown as { scheduleCheckPendingRequests(): void }).scheduleCheckPendingRequests();
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(9);
    expect(check).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(check).toHaveBeenCalledTimes(1);
  });

  it('re-checks at the end of a broker throttle, with or without waiting requests', () => {
    const q = queue();
    const check = jest.spyOn(q, 'checkPendingRequests').mockImplementation(() => undefined);
    q.throttledUntil = Date.now() + 250;
    (q as unknown as { scheduleCheckPendingRequests(): void }).scheduleCheckPendingRequests();
    jest.advanceTimersByTime(249);
    expect(check).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(check).toHaveBeenCalledTimes(1);
    // once the throttle is over and nothing waits, no timer is left
    check.mockRestore();
    q.checkPendingRequests();
    expect(jest.getTimerCount()).toBe(0);
  });
});
