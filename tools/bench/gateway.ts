/**
 * The bench's view of the gateway: JSON over fetch, sessions that log in again before their
 * token expires (access tokens live 15 minutes; a full run is close to that), and the seed data
 * every phase shares.
 */
import { randomUUID } from 'node:crypto';
import { DEV_ADMIN } from '@ecommerce/testing';

export interface GatewayResponse<T> {
  status: number;
  headers: Headers;
  body: T | undefined;
}

/** Requests go to the gateways in turn (round robin), as a load balancer in front of replicas would. */
export class Gateway {
  private next = 0;

  constructor(readonly urls: readonly string[]) {
    if (urls.length === 0) throw new Error('Gateway: no gateway URL');
  }

  async request<T>(
    method: string,
    path: string,
    options: { body?: unknown; token?: string } = {},
  ): Promise<GatewayResponse<T>> {
    const url = this.urls[this.next++ % this.urls.length];
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await res.text();
    let body: T | undefined;
    try {
      body = text ? (JSON.parse(text) as T) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, headers: res.headers, body };
  }

  /** The body of a response that must have `status`; anything else throws with what came back. */
  async expect<T>(
    status: number,
    method: string,
    path: string,
    options: { body?: unknown; token?: string } = {},
  ): Promise<T> {
    const res = await this.request<T>(method, path, options);
    if (res.status !== status)
      throw new Error(
        `${method} ${path}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`,
      );
    return res.body as T;
  }
}

/** Re-login well before the 900 s access token expires. */
const TOKEN_MAX_AGE_MS = 10 * 60_000;

/** A logged-in user whose token is renewed when it gets old. */
export class Session {
  private token = '';
  private loggedInAt = 0;

  constructor(
    private readonly gateway: Gateway,
    readonly email: string,
    private readonly password: string,
  ) {}

  async login(): Promise<string> {
    const { accessToken } = await this.gateway.expect<{ accessToken: string }>(
      200,
      'POST',
      '/api/v1/auth/login',
      {
        body: { email: this.email, password: this.password },
      },
    );
    this.token = accessToken;
    this.loggedInAt = Date.now();
    return accessToken;
  }

  /** The current token; call {@link refresh} between phases to keep it valid. */
  get current(): string {
    return this.token;
  }

  async refresh(): Promise<void> {
    if (Date.now() - this.loggedInAt > TOKEN_MAX_AGE_MS) await this.login();
  }
}

/** The customers and catalog the orders use, and the admin who watches them. */
export interface Shop {
  admin: Session;
  customers: Session[];
  productIds: string[];
}

/**
 * Registers `customers` users (a few at a time: argon2 hashing is deliberately expensive) and
 * creates `products` products with stock no run can exhaust. Orders spread over several
 * products, as real ones do, rather than all locking one stock row.
 */
export async function seedShop(
  gateway: Gateway,
  options: { customers: number; products: number; stockEach: number },
): Promise<Shop> {
  const admin = new Session(gateway, DEV_ADMIN.email, DEV_ADMIN.password);
  const adminToken = await admin.login();
  const productIds: string[] = [];
  for (let i = 0; i < options.products; i++) {
    const product = await gateway.expect<{ id: string }>(201, 'POST', '/api/v1/products', {
      token: adminToken,
      body: {
        sku: `BENCH-${randomUUID()}`,
        name: `Bench item ${i + 1}`,
        priceCents: 1_000,
        currency: 'EUR',
        initialStock: options.stockEach,
      },
    });
    productIds.push(product.id);
  }
  const customers: Session[] = [];
  const run = `${Date.now().toString(36)}`;
  for (let i = 0; i < options.customers; i += 4) {
    const batch = Array.from({ length: Math.min(4, options.customers - i) }, (_, j) => i + j);
    customers.push(
      ...(await Promise.all(
        batch.map(async (n) => {
          const email = `bench-${run}-${n}@example.com`;
          const password = `pw-${randomUUID()}`;
          await gateway.expect(201, 'POST', '/api/v1/auth/register', {
            body: { email, password, name: `Bench ${n}` },
          });
          const session = new Session(gateway, email, password);
          await session.login();
          return session;
        }),
      )),
    );
  }
  return { admin, customers, productIds };
}

/** Renews every token that is getting old: call before each phase. */
export async function refreshShop(shop: Shop): Promise<void> {
  await shop.admin.refresh();
  for (const customer of shop.customers) await customer.refresh();
}
