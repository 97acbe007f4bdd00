/**
 * The saga under an open-model load: orders sent at Poisson arrival times whatever the system
 * answers (a slow system gets more orders in flight, as with real customers, instead of fewer
 * as a closed loop would send), and a tracker that learns when each reached CONFIRMED or
 * CANCELLED.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { poissonSchedule, seededRandom } from './arrivals';
import type { Gateway, Shop } from './gateway';
import type { OverloadResult, RateResult } from './results';
import { summarize } from './stats';

/** One order the generator sent, and what became of it. Times are performance.now() ms. */
export interface PlacedOrder {
  scheduledAt: number;
  sentAt: number;
  answeredAt?: number;
  /** HTTP status of the POST; 0 when it failed on the network. */
  httpStatus: number;
  retryAfter: boolean;
  id?: string;
  terminalAt?: number;
  outcome?: 'CONFIRMED' | 'CANCELLED';
  reason?: string;
  /** False for the warm-up part of a rate: sent and tracked, not counted. */
  measured: boolean;
}

/** A saga counts as done late after this long: the goal's bound. */
export const GOOD_WITHIN_MS = 1_000;

/**
 * Sends orders at Poisson arrival times for `warmupMs + durationMs`. Never awaits an answer
 * before the next send; resolves once every POST has answered. `onAccepted` sees each 202.
 */
export async function offerLoad(options: {
  gateway: Gateway;
  shop: Shop;
  rate: number;
  warmupMs: number;
  durationMs: number;
  seed: number;
  onAccepted?: (order: PlacedOrder) => void;
}): Promise<PlacedOrder[]> {
  const random = seededRandom(options.seed);
  const schedule = poissonSchedule(options.rate, options.warmupMs + options.durationMs, random);
  const orders: PlacedOrder[] = [];
  const posts: Promise<void>[] = [];
  const start = performance.now();
  for (const [i, offset] of schedule.entries()) {
    const due = start + offset;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const customer = options.shop.customers[i % options.shop.customers.length];
    const productId =
      options.shop.productIds[Math.floor(random() * options.shop.productIds.length)];
    const order: PlacedOrder = {
      scheduledAt: due,
      sentAt: performance.now(),
      httpStatus: 0,
      retryAfter: false,
      measured: offset >= options.warmupMs,
    };
    orders.push(order);
    posts.push(
      options.gateway
        .request<{ id: string }>('POST', '/api/v1/orders', {
          token: customer?.current,
          body: { items: [{ productId, quantity: 1 }], paymentMethod: 'pm_card_visa' },
        })
        .then(
          (res) => {
            order.answeredAt = performance.now();
            order.httpStatus = res.status;
            order.retryAfter = res.headers.has('retry-after');
            if (res.status === 202 && res.body?.id) {
              order.id = res.body.id;
              options.onAccepted?.(order);
            }
          },
          () => {
            order.answeredAt = performance.now();
          },
        ),
    );
  }
  await Promise.all(posts);
  return orders;
}

interface OrderPage {
  data: Array<{ id: string }>;
  pagination: { pages: number };
}

/**
 * Learns when tracked orders become terminal, cheaply: an admin lists every PENDING order (all
 * pages, back to back, `intervalMs` apart) and an order missing from a listing that started after
 * its POST answered is a candidate; one GET /orders/:id confirms it (a listing can miss an order
 * that moved between pages while it was read) and gives CONFIRMED or CANCELLED and the reason.
 * Its terminal time is when that listing answered: an upper bound, within one poll.
 */
export class TerminalTracker {
  private readonly pending = new Map<string, PlacedOrder>();
  private running = false;
  private loop: Promise<void> | undefined;
  /** Listings made: the load the tracker itself adds. */
  polls = 0;

  constructor(
    private readonly gateway: Gateway,
    private readonly shop: Shop,
    private readonly intervalMs: number,
  ) {}

  track(order: PlacedOrder): void {
    if (order.id && order.terminalAt === undefined) this.pending.set(order.id, order);
  }

  get outstanding(): number {
    return this.pending.size;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Resolves when nothing tracked is pending, or at the deadline (what is left stays unfinished). */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.pending.size > 0 && performance.now() < deadline) await sleep(50);
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (this.pending.size === 0) {
        await sleep(10);
        continue;
      }
      const began = performance.now();
      try {
        await this.pollOnce(began);
      } catch {
        // A failed listing (the gateway overloaded, a backend restarting): try again next round.
      }
      const rest = this.intervalMs - (performance.now() - began);
      if (rest > 0) await sleep(rest);
    }
  }

  private async pollOnce(began: number): Promise<void> {
    const stillPending = new Set<string>();
    for (let page = 1, pages = 1; page <= pages; page++) {
      const res = await this.gateway.expect<OrderPage>(
        200,
        'GET',
        `/api/v1/orders?status=PENDING&limit=100&page=${page}`,
        {
          token: this.shop.admin.current,
        },
      );
      res.data.forEach((order) => stillPending.add(order.id));
      pages = res.pagination.pages;
    }
    this.polls++;
    const listedAt = performance.now();
    const candidates = [...this.pending.values()].filter(
      (order) => order.id && !stillPending.has(order.id) && (order.answeredAt ?? Infinity) < began,
    );
    for (let i = 0; i < candidates.length; i += 16) {
      await Promise.all(
        candidates.slice(i, i + 16).map(async (order) => {
          const res = await this.gateway.request<{ status: string; cancellationReason?: string }>(
            'GET',
            `/api/v1/orders/${order.id}`,
            {
              token: this.shop.admin.current,
            },
          );
          const status = res.body?.status;
          if (res.status !== 200 || (status !== 'CONFIRMED' && status !== 'CANCELLED')) return;
          order.terminalAt = listedAt;
          order.outcome = status;
          if (res.body?.cancellationReason) order.reason = res.body.cancellationReason;
          this.pending.delete(order.id as string);
        }),
      );
    }
  }
}

const isRefusal = (status: number) => status === 429 || status === 503;

/** The figures of one rate from its measured orders. */
export function rateResult(
  offered: number,
  seconds: number,
  all: readonly PlacedOrder[],
): RateResult {
  const orders = all.filter((order) => order.measured);
  const accepted = orders.filter((order) => order.httpStatus === 202);
  const done = accepted.filter((order) => order.terminalAt !== undefined);
  const cancelled: Record<string, number> = {};
  for (const order of done)
    if (order.outcome === 'CANCELLED')
      cancelled[order.reason ?? '?'] = (cancelled[order.reason ?? '?'] ?? 0) + 1;
  const good = done.filter(
    (order) =>
      order.outcome === 'CONFIRMED' &&
      (order.terminalAt as number) - order.sentAt <= GOOD_WITHIN_MS,
  );
  return {
    offered,
    seconds,
    sent: orders.length,
    accepted: accepted.length,
    refused: orders.filter((order) => isRefusal(order.httpStatus)).length,
    errors: orders.filter((order) => order.httpStatus !== 202 && !isRefusal(order.httpStatus))
      .length,
    post: summarize(accepted.map((order) => (order.answeredAt as number) - order.sentAt)),
    terminal: summarize(done.map((order) => (order.terminalAt as number) - order.sentAt)),
    confirmed: done.filter((order) => order.outcome === 'CONFIRMED').length,
    cancelled,
    unfinished: accepted.length - done.length,
    sendLagP99Ms: summarize(orders.map((order) => order.sentAt - order.scheduledAt)).p99,
    goodputPerSecond: good.length / seconds,
  };
}

/** A rate is past saturation when its p99 exceeds the bound or any order failed. */
export function saturated(result: RateResult): boolean {
  const failed =
    result.errors +
    result.refused +
    result.unfinished +
    Object.values(result.cancelled).reduce((a, b) => a + b, 0);
  return failed > 0 || !(result.terminal.p99 <= GOOD_WITHIN_MS);
}

/** The overload figures: refusals and how fast they came, outcomes of what was accepted. */
export function overloadResult(
  offered: number,
  sustained: number,
  seconds: number,
  orders: readonly PlacedOrder[],
): OverloadResult {
  const rate = rateResult(offered, seconds, orders);
  const refusals = orders.filter((order) => order.measured && isRefusal(order.httpStatus));
  return {
    offered,
    sustained,
    seconds,
    sent: rate.sent,
    accepted: rate.accepted,
    refused: refusals.length,
    refusedWithRetryAfter: refusals.filter((order) => order.retryAfter).length,
    refusal: summarize(refusals.map((order) => (order.answeredAt as number) - order.sentAt)),
    errors: rate.errors,
    confirmed: rate.confirmed,
    cancelledTimeout: rate.cancelled['TIMEOUT'] ?? 0,
    cancelledOther: Object.entries(rate.cancelled)
      .filter(([reason]) => reason !== 'TIMEOUT')
      .reduce((sum, [, n]) => sum + n, 0),
    unfinished: rate.unfinished,
    goodputPerSecond: rate.goodputPerSecond,
  };
}
