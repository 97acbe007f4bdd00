/**
 * `npm run bench`: how long one order's saga takes, end to end, on an idle stack.
 *
 * Places N orders (BENCH_ORDERS, 20) one after another through the gateway, each for a product
 * of its own stock with the default test card, and measures from sending POST /api/v1/orders
 * to the first GET /api/v1/orders/:id that answers CONFIRMED. Prints the median, p95 and the
 * spread; asserts nothing. Each measure includes up to one polling interval (BENCH_POLL_MS, 10)
 * and one GET: the numbers are an upper bound that close.
 *
 * Starts its own stack on free ports (built apps, `npm run infra:up`, migrated databases), or
 * measures a running one: BENCH_GATEWAY_URL=http://127.0.0.1:3000 (its rate limits apply).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEV_ADMIN, SmtpSink, Stack } from '@ecommerce/testing';

const ORDERS = Number(process.env['BENCH_ORDERS'] ?? 20);
const WARM_UP = 2;
const POLL_MS = Number(process.env['BENCH_POLL_MS'] ?? 10);
const GIVE_UP_MS = 60_000;

class Gateway {
  constructor(private readonly url: string) {}

  async call<T>(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; body: T }> {
    for (;;) {
      const res = await fetch(`${this.url}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (res.status === 429) {
        await sleep(Number(res.headers.get('retry-after') ?? 1) * 1_000);
        continue;
      }
      return { status: res.status, body: (await res.json()) as T };
    }
  }

  async expect<T>(
    status: number,
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<T> {
    const res = await this.call<T>(method, path, body, token);
    if (res.status !== status)
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async login(email: string, password: string): Promise<string> {
    return (
      await this.expect<{ accessToken: string }>(200, 'POST', '/api/v1/auth/login', {
        email,
        password,
      })
    ).accessToken;
  }
}

/** Milliseconds from POST /orders to CONFIRMED for one order. */
async function oneSaga(gateway: Gateway, token: string, productId: string): Promise<number> {
  const started = performance.now();
  const order = await gateway.expect<{ id: string }>(
    202,
    'POST',
    '/api/v1/orders',
    { items: [{ productId, quantity: 1 }], paymentMethod: 'pm_card_visa' },
    token,
  );
  for (;;) {
    const { body } = await gateway.call<{ status: string; cancellationReason?: string }>(
      'GET',
      `/api/v1/orders/${order.id}`,
      undefined,
      token,
    );
    if (body.status === 'CONFIRMED') return performance.now() - started;
    if (body.status === 'CANCELLED')
      throw new Error(
        `order ${order.id} was cancelled (${body.cancellationReason}) on an idle stack`,
      );
    if (performance.now() - started > GIVE_UP_MS)
      throw new Error(`order ${order.id} still ${body.status} after ${GIVE_UP_MS} ms`);
    await sleep(POLL_MS);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function main(): Promise<void> {
  let stop = async () => undefined as void;
  let url = process.env['BENCH_GATEWAY_URL'];
  if (!url) {
    const smtp = await SmtpSink.start();
    const stack = await Stack.startOnFreePorts({
      logLevel: 'warn',
      env: {
        ...process.env,
        SMTP_URL: smtp.url,
        RATE_LIMIT_PER_SECOND: '10000',
        RATE_LIMIT_BURST: '10000',
        AUTH_RATE_LIMIT_PER_MINUTE: '10000',
        RATE_LIMIT_PREFIX: `bench-${Date.now()}`,
      },
    });
    url = stack.gatewayUrl;
    stop = async () => {
      await stack.stop();
      await smtp.stop();
    };
  }
  try {
    const gateway = new Gateway(url);
    const email = `bench-${randomUUID()}@example.com`;
    const password = `pw-${randomUUID()}`;
    await gateway.expect(201, 'POST', '/api/v1/auth/register', { email, password, name: 'Bench' });
    const token = await gateway.login(email, password);
    const admin = await gateway.login(DEV_ADMIN.email, DEV_ADMIN.password);
    const product = await gateway.expect<{ id: string }>(
      201,
      'POST',
      '/api/v1/products',
      {
        sku: `BENCH-${randomUUID()}`,
        name: 'Bench item',
        priceCents: 100,
        currency: 'EUR',
        initialStock: ORDERS + WARM_UP,
      },
      admin,
    );

    for (let i = 0; i < WARM_UP; i++) await oneSaga(gateway, token, product.id);
    const times: number[] = [];
    for (let i = 0; i < ORDERS; i++) times.push(await oneSaga(gateway, token, product.id));

    const sorted = [...times].sort((a, b) => a - b);
    const ms = (value: number) => `${value.toFixed(0)} ms`;
    process.stdout.write(
      [
        `saga latency, POST /orders → CONFIRMED, ${ORDERS} sequential orders (after ${WARM_UP} warm-up), polled every ${POLL_MS} ms, ${url}`,
        `  median ${ms(percentile(sorted, 50))}   p95 ${ms(percentile(sorted, 95))}   min ${ms(sorted[0] as number)}   max ${ms(sorted[sorted.length - 1] as number)}`,
        '',
      ].join('\n'),
    );
  } finally {
    await stop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
