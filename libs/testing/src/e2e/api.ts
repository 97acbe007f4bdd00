import { randomUUID } from 'node:crypto';
import request, { type Response } from 'supertest';
import { DEV_ADMIN } from '../stack/stack';
import { E2eStack } from '../stack/stack-runner';

/** The stack the global setup started; one per test file. */
export const stack = new E2eStack();

let turn = 0;
/** A request through the gateway; with several gateways running, through each in turn. */
export const api = () => {
  const urls = stack.gatewayUrls;
  return request(urls[turn++ % urls.length] as string);
};

export const uniqueEmail = (label = 'user') => `${label}-${randomUUID()}@example.com`;

export interface TestUser {
  id: string;
  email: string;
  password: string;
  name: string;
  token: string;
  auth: { Authorization: string };
}

/** Registers a new customer and logs it in. */
export async function newCustomer(label = 'customer'): Promise<TestUser> {
  const email = uniqueEmail(label);
  const password = `pw-${randomUUID()}`;
  const name = `Test ${label}`;
  const registered = await api().post('/api/v1/auth/register').send({ email, password, name });
  expect(registered.status).toBe(201);
  const token = await login(email, password);
  return { id: registered.body.id, email, password, name, token, auth: { Authorization: `Bearer ${token}` } };
}

export async function login(email: string, password: string): Promise<string> {
  const res = await api().post('/api/v1/auth/login').send({ email, password });
  expect(res.status).toBe(200);
  return res.body.accessToken as string;
}

let adminToken: Promise<string> | undefined;
/** The seeded admin (ADMIN_EMAIL / ADMIN_PASSWORD of the local stack). */
export async function admin(): Promise<{ Authorization: string }> {
  adminToken ??= login(DEV_ADMIN.email, DEV_ADMIN.password);
  return { Authorization: `Bearer ${await adminToken}` };
}

/** Asserts an RFC 9457 problem+json answer with this status, and returns its body. */
export function expectProblem(res: Response, status: number): { title: string; detail?: string; errors?: { field: string; message: string }[] } {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { status, type: 'about:blank' } });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(typeof res.body.title).toBe('string');
  return res.body;
}

/** The fields a 400 names. */
export function invalidFields(res: Response): string[] {
  const body = expectProblem(res, 400);
  return [...new Set((body.errors ?? []).map((e) => e.field))];
}

/** Some products of the seeded catalog with stock. */
export async function products(count = 3): Promise<{ id: string; priceCents: number; currency: string; available: number }[]> {
  const res = await api().get('/api/v1/products?limit=100').expect(200);
  const inStock = (res.body.data as { id: string; priceCents: number; currency: string; available: number }[]).filter(
    (p) => p.available > 50,
  );
  expect(inStock.length).toBeGreaterThanOrEqual(count);
  return inStock.slice(0, count);
}
