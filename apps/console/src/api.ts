/**
 * The console's one way to the platform: the gateway's public REST API (/work/shared/API.md),
 * on the page's own origin, with the signed-in user's bearer token. Errors are the API's
 * problem+json, thrown as {@link ApiError}.
 */

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED';
export type CancellationReason =
  | 'OUT_OF_STOCK'
  | 'PAYMENT_DECLINED'
  | 'PAYMENT_ERROR'
  | 'CUSTOMER_REQUEST'
  | 'TIMEOUT';

export interface Page<T> {
  data: T[];
  pagination: { page: number; limit: number; total: number; pages: number };
}
export interface User {
  id: string;
  email: string;
  name: string;
  role: 'customer' | 'admin';
}
export interface Product {
  id: string;
  sku: string;
  name: string;
  description?: string;
  priceCents: number;
  currency: string;
  available: number;
}
export interface Order {
  id: string;
  userId: string;
  status: OrderStatus;
  cancellationReason?: CancellationReason;
  items: { productId: string; quantity: number; unitPriceCents: number }[];
  totalCents: number;
  currency: string;
  createdAt: string;
  updatedAt: string;
}
export interface TimelineStep {
  step: string;
  status: OrderStatus;
  at: string;
  detail?: string;
}
export interface Payment {
  status: 'CAPTURED' | 'DECLINED' | 'FAILED' | 'REFUNDED';
  declineCode?: string;
}
export interface Notification {
  id: string;
  type: 'WELCOME' | 'ORDER_CONFIRMED' | 'ORDER_CANCELLED';
  subject: string;
  orderId?: string;
  status: 'PENDING' | 'SENT' | 'FAILED';
  sentAt?: string;
  createdAt: string;
}
export interface DeadLetter {
  id: string;
  service: string;
  topic: string;
  partition: number;
  offset: string | number;
  key: string;
  error: string;
  failedAt: string;
  consumer: string;
  replays: number;
  status: 'WAITING' | 'REPLAYED' | 'DISCARDED';
  headers?: Record<string, string>;
  value?: unknown;
  discardReason?: string;
}
export interface ConsoleConfig {
  /** Jaeger's UI, e.g. http://127.0.0.1:16686: the explorer links an order to its traces there. */
  jaegerUrl?: string;
}

/** The four simulated provider's test methods (API.md, "Payment test methods"). */
export const PAYMENT_METHODS = [
  { id: 'pm_card_visa', label: 'Visa: captured' },
  { id: 'pm_card_chargeDeclined', label: 'Declined' },
  { id: 'pm_card_chargeDeclinedInsufficientFunds', label: 'Declined: insufficient funds' },
  { id: 'pm_card_processingError', label: 'Processing error (retried, then cancelled)' },
] as const;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

const TOKEN_KEY = 'console.token';

export function storedToken(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const token = storedToken();
  const res = await fetch(path, {
    method,
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401 && token) sessionStorage.removeItem(TOKEN_KEY);
  const text = await res.text();
  const json: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const problem = (json ?? {}) as {
      title?: string;
      detail?: string;
      errors?: { field: string; message: string }[];
    };
    const fields = problem.errors?.map((e) => `${e.field} ${e.message}`).join('; ');
    throw new ApiError(res.status, problem.title ?? res.statusText, fields || problem.detail);
  }
  return json as T;
}

const v1 = (path: string) => `/api/v1${path}`;
const query = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};

/** A key per placed order, so a retried click never makes a second order. */
function idempotencyKey(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export const api = {
  config: () =>
    request<ConsoleConfig>('GET', '/console/config.json').catch((): ConsoleConfig => ({})),

  register: (email: string, password: string, name: string) =>
    request<User>('POST', v1('/auth/register'), { email, password, name }),
  async login(email: string, password: string): Promise<void> {
    const { accessToken } = await request<{ accessToken: string }>('POST', v1('/auth/login'), {
      email,
      password,
    });
    sessionStorage.setItem(TOKEN_KEY, accessToken);
  },
  logout: () => sessionStorage.removeItem(TOKEN_KEY),
  me: () => request<User>('GET', v1('/users/me')),

  products: (page = 1, limit = 50) =>
    request<Page<Product>>('GET', v1(`/products${query({ page, limit })}`)),
  restock: (id: string, quantity: number) =>
    request<Product>('POST', v1(`/products/${id}/restock`), { quantity }),

  placeOrder: (items: { productId: string; quantity: number }[], paymentMethod: string) =>
    request<Order>(
      'POST',
      v1('/orders'),
      { items, paymentMethod },
      { 'idempotency-key': idempotencyKey() },
    ),
  orders: (params: { page?: number; limit?: number; status?: OrderStatus } = {}) =>
    request<Page<Order>>('GET', v1(`/orders${query({ limit: 20, ...params })}`)),
  order: (id: string) => request<Order>('GET', v1(`/orders/${id}`)),
  timeline: (id: string) => request<TimelineStep[]>('GET', v1(`/orders/${id}/timeline`)),
  payment: (id: string) =>
    request<Payment>('GET', v1(`/orders/${id}/payment`)).catch(() => undefined),
  cancel: (id: string) => request<Order>('POST', v1(`/orders/${id}/cancel`)),
  notifications: () => request<Page<Notification>>('GET', v1('/notifications?limit=100')),

  deadLetters: (
    params: { service?: string; topic?: string; status?: DeadLetter['status']; page?: number } = {},
  ) =>
    request<Page<DeadLetter>>('GET', v1(`/admin/dead-letters${query({ limit: 50, ...params })}`)),
  deadLetter: (id: string) =>
    request<DeadLetter>('GET', v1(`/admin/dead-letters/${encodeURIComponent(id)}`)),
  replay: (id: string) =>
    request<DeadLetter>('POST', v1(`/admin/dead-letters/${encodeURIComponent(id)}/replay`)),
  discard: (id: string, reason: string) =>
    request<DeadLetter>('POST', v1(`/admin/dead-letters/${encodeURIComponent(id)}/discard`), {
      reason,
    }),
};

export function money(cents: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(cents / 100);
}
