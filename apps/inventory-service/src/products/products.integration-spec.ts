import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ServiceError, status } from '@grpc/grpc-js';
import { Client } from 'pg';
import type { inventoryV1 } from '@ecommerce/contracts';
import { errorCodeOf, fieldErrorsOf } from '@ecommerce/errors';
import { DEFAULT_RESILIENCE, ResilientGrpcClient } from '@ecommerce/grpc';
import {
  AppProcess,
  appEnv,
  databaseUrl,
  freePort,
  waitFor,
  waitForServing,
  WORKSPACE_ROOT,
  serviceCredentials,
} from '@ecommerce/testing';
import { CATALOG } from './catalog';
import { MAX_INT4 } from './products.validation';

type InventoryClient = ResilientGrpcClient<inventoryV1.InventoryServiceClient>;

interface Running {
  app: AppProcess;
  client: InventoryClient;
}

const started: Running[] = [];

/**
 * inventory-service as a real process on a free port, and a plain gRPC client of it. Resolves
 * once it is SERVING, or with `untilSeeded` once its catalog seeder has run (for an instance
 * that is never SERVING: see the seeding tests).
 */
async function startInventory(
  env: Record<string, string> = {},
  { untilSeeded = false } = {},
): Promise<Running> {
  const port = await freePort();
  const app = AppProcess.start('inventory-service', {
    ...appEnv('inventory-service', { grpcPorts: { 'inventory-service': port }, metricsPorts: { 'inventory-service': await freePort() } }),
    ...env,
  });
  const client: InventoryClient = new ResilientGrpcClient('inventory', `127.0.0.1:${port}`, {
    credentials: serviceCredentials(),
    resilience: {
      ...DEFAULT_RESILIENCE,
      retries: 0,
    },
  });
  const running = { app, client };
  started.push(running);
  if (untilSeeded) {
    await waitFor(
      'the catalog seeder to run',
      async () => {
        if (!app.running) throw new Error(`inventory-service exited:\n${app.logs}`);
        return /catalog (not )?seeded/.test(app.logs);
      },
      30_000,
    );
  } else {
    await waitForServing(`127.0.0.1:${port}`, 30_000, app);
  }
  return running;
}

async function stop(running: Running): Promise<void> {
  const index = started.indexOf(running);
  if (index >= 0) started.splice(index, 1);
  running.client.close();
  await running.app.stop();
}

const stopAll = () => Promise.all([...started].map(stop));

/** The gRPC error a call failed with (fails the test if it succeeded). */
async function failure(call: Promise<unknown>): Promise<ServiceError> {
  const outcome = await call.then(
    (value) => ({ value }),
    (error: ServiceError) => ({ error }),
  );
  if (!('error' in outcome))
    throw new Error(`expected the call to fail, got ${JSON.stringify(outcome.value)}`);
  return outcome.error;
}

const uniqueSku = (prefix = 'IT') => `${prefix}-${randomUUID().slice(0, 13)}`;

function newProduct(
  overrides: Partial<inventoryV1.CreateProductRequest> = {},
): inventoryV1.CreateProductRequest {
  return {
    sku: uniqueSku(),
    name: 'Integration Test Kettle',
    description: 'Stainless steel, 1.7 l.',
    priceCents: 4_990,
    currency: 'EUR',
    initialStock: 7,
    ...overrides,
  };
}

describe('inventory-service products over gRPC', () => {
  let inventory: InventoryClient;

  beforeAll(async () => {
    ({ client: inventory } = await startInventory());
  });
  afterAll(stopAll);

  it('creates a product with its stock and reads it back', async () => {
    const request = newProduct();
    const { product } = await inventory.call('createProduct', request);
    expect(product).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sku: request.sku,
      name: request.name,
      description: request.description,
      priceCents: 4_990,
      currency: 'EUR',
      available: 7,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updatedAt: expect.any(String),
    });
    await expect(inventory.call('getProduct', { id: product?.id ?? '' })).resolves.toEqual({
      product,
    });
  });

  it('stores no description as an empty one, and trims the name', async () => {
    const { product } = await inventory.call(
      'createProduct',
      newProduct({ description: '', name: '  Tea Towel  ' }),
    );
    expect(product).toMatchObject({ description: '', name: 'Tea Towel' });
  });

  it('refuses a taken sku with ALREADY_EXISTS, leaving the first product as it was', async () => {
    const first = newProduct();
    const { product } = await inventory.call('createProduct', first);
    const error = await failure(
      inventory.call('createProduct', newProduct({ sku: first.sku, priceCents: 1 })),
    );
    expect(error.code).toBe(status.ALREADY_EXISTS);
    expect(errorCodeOf(error)).toBe('SKU_TAKEN');
    expect(fieldErrorsOf(error)).toEqual([{ field: 'sku', message: 'is already taken' }]);
    await expect(inventory.call('getProduct', { id: product?.id ?? '' })).resolves.toMatchObject({
      product: { priceCents: 4_990, available: 7 },
    });
  });

  it('rejects bad input with INVALID_ARGUMENT naming every bad field', async () => {
    const error = await failure(
      inventory.call('createProduct', {
        sku: 'has spaces',
        name: '   ',
        description: '',
        priceCents: -1,
        currency: 'eur',
        initialStock: -5,
      }),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(errorCodeOf(error)).toBe('VALIDATION_FAILED');
    expect(
      fieldErrorsOf(error)
        .map((field) => field.field)
        .sort(),
    ).toEqual(['currency', 'initialStock', 'name', 'priceCents', 'sku']);

    const tooLong = await failure(
      inventory.call('createProduct', newProduct({ name: 'x'.repeat(201) })),
    );
    expect(fieldErrorsOf(tooLong)).toEqual([
      { field: 'name', message: 'must be at most 200 characters' },
    ]);
  });

  it('answers NOT_FOUND for an unknown product and INVALID_ARGUMENT for a malformed id', async () => {
    const missing = await failure(inventory.call('getProduct', { id: randomUUID() }));
    expect(missing.code).toBe(status.NOT_FOUND);
    expect(errorCodeOf(missing)).toBe('PRODUCT_NOT_FOUND');

    const malformed = await failure(inventory.call('getProduct', { id: 'not-a-uuid' }));
    expect(malformed.code).toBe(status.INVALID_ARGUMENT);
    expect(fieldErrorsOf(malformed)).toEqual([{ field: 'id', message: 'must be a UUID' }]);
  });

  it('lists the catalog in pages that neither overlap nor move', async () => {
    await Promise.all([1, 2, 3].map(() => inventory.call('createProduct', newProduct())));
    const first = await inventory.call('listProducts', { page: 1, limit: 2 });
    const second = await inventory.call('listProducts', { page: 2, limit: 2 });
    expect(first.data).toHaveLength(2);
    expect(second.data).toHaveLength(2);
    expect(first.pagination).toEqual({
      page: 1,
      limit: 2,
      total: expect.any(Number),
      pages: Math.ceil((first.pagination?.total ?? 0) / 2),
    });
    expect(first.pagination?.total).toBeGreaterThanOrEqual(3);
    const ids = [...first.data, ...second.data].map((product) => product.id);
    expect(new Set(ids).size).toBe(4);
    await expect(inventory.call('listProducts', { page: 1, limit: 2 })).resolves.toEqual(first);
  });

  it('defaults an unset page and limit, and refuses a page size over 100', async () => {
    const page = await inventory.call('listProducts', { page: 0, limit: 0 });
    expect(page.pagination).toMatchObject({ page: 1, limit: 10 });

    const error = await failure(inventory.call('listProducts', { page: 1, limit: 101 }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(fieldErrorsOf(error)).toEqual([{ field: 'limit', message: 'must be at most 100' }]);
  });

  it('restocks atomically: concurrent restocks all count', async () => {
    const { product } = await inventory.call('createProduct', newProduct({ initialStock: 3 }));
    const id = product?.id ?? '';
    const restocked = await inventory.call('restockProduct', { id, quantity: 10 });
    expect(restocked.product).toMatchObject({ id, available: 13 });

    await Promise.all(
      Array.from({ length: 20 }, () => inventory.call('restockProduct', { id, quantity: 5 })),
    );
    await expect(inventory.call('getProduct', { id })).resolves.toMatchObject({
      product: { available: 113 },
    });
  });

  it('refuses a restock outside 1..1000000, of an unknown product, or past the stock limit', async () => {
    const { product } = await inventory.call(
      'createProduct',
      newProduct({ initialStock: MAX_INT4 - 10 }),
    );
    const id = product?.id ?? '';

    for (const quantity of [0, 1_000_001]) {
      const error = await failure(inventory.call('restockProduct', { id, quantity }));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(fieldErrorsOf(error).map((field) => field.field)).toEqual(['quantity']);
    }

    const unknown = await failure(
      inventory.call('restockProduct', { id: randomUUID(), quantity: 1 }),
    );
    expect(unknown.code).toBe(status.NOT_FOUND);

    const overflow = await failure(inventory.call('restockProduct', { id, quantity: 11 }));
    expect(overflow.code).toBe(status.FAILED_PRECONDITION);
    expect(errorCodeOf(overflow)).toBe('STOCK_LIMIT_EXCEEDED');
    await expect(inventory.call('restockProduct', { id, quantity: 10 })).resolves.toMatchObject({
      product: { available: MAX_INT4 },
    });
  });

  it('reads a batch of ids, listing the unknown ones instead of failing', async () => {
    const { product: a } = await inventory.call('createProduct', newProduct({ priceCents: 100 }));
    const { product: b } = await inventory.call('createProduct', newProduct({ priceCents: 200 }));
    const unknown = randomUUID();
    const response = await inventory.call('getProductsByIds', {
      ids: [a?.id ?? '', (b?.id ?? '').toUpperCase(), unknown, 'not-a-uuid', a?.id ?? ''],
    });
    expect(response.products.map((product) => [product.id, product.priceCents]).sort()).toEqual(
      [
        [a?.id, 100],
        [b?.id, 200],
      ].sort(),
    );
    expect(response.missingIds.sort()).toEqual([unknown, 'not-a-uuid'].sort());
  });
});

describe('inventory-service catalog seeding, on a database of its own', () => {
  const url = new URL(databaseUrl('inventory'));
  const name = `ecommerce_inventory_it_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const scratchUrl = Object.assign(new URL(url), { pathname: `/${name}` }).toString();
  const admin = () =>
    new Client({
      connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString(),
    });

  beforeAll(async () => {
    const server = admin();
    await server.connect();
    await server.query(`CREATE DATABASE "${name}"`);
    await server.end();
    // The committed migrations, applied in order, as `npm run db:migrate` would.
    const folder = join(WORKSPACE_ROOT, 'prisma', 'inventory', 'migrations');
    const db = new Client({ connectionString: scratchUrl });
    await db.connect();
    for (const migration of readdirSync(folder)
      .filter((entry) => /^\d+_/.test(entry))
      .sort()) {
      await db.query(readFileSync(join(folder, migration, 'migration.sql'), 'utf8'));
    }
    await db.end();
  });

  afterAll(async () => {
    await stopAll();
    const server = admin();
    await server.connect();
    await server.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await server.end();
  });

  const listAll = async (client: InventoryClient) =>
    (await client.call('listProducts', { page: 1, limit: 100 })).data;

  // These instances own a scratch database, so they must not join the real consumer group of
  // inventory.commands.v1 (they would take commands meant for the shared one and answer them
  // from an empty catalog). With no broker to reach they never start messaging, so they are
  // never SERVING either; gRPC works all the same, once the seeder has run.
  const start = async (env: Record<string, string> = {}) =>
    startInventory(
      { DATABASE_URL: scratchUrl, KAFKA_BROKERS: `127.0.0.1:${await freePort()}`, ...env },
      { untilSeeded: true },
    );

  it('adds nothing with SEED_CATALOG=false', async () => {
    const running = await start({ SEED_CATALOG: 'false' });
    await expect(listAll(running.client)).resolves.toEqual([]);
    await stop(running);
  });

  it('seeds the catalog once, with stock, even when two instances start together', async () => {
    const [one, two] = await Promise.all([start(), start()]);
    const added = [one, two].map((running) =>
      Number(/catalog seeded: (\d+) of/.exec(running.app.logs)?.[1]),
    );
    expect(added[0] + added[1]).toBe(CATALOG.length);
    const products = await listAll(two.client);
    expect(products.length).toBeGreaterThanOrEqual(10);
    expect(products.map((product) => product.sku).sort()).toEqual(
      CATALOG.map((product) => product.sku).sort(),
    );
    expect(new Set(products.map((product) => product.currency))).toEqual(new Set(['EUR']));
    for (const product of products) {
      const seed = CATALOG.find((entry) => entry.sku === product.sku);
      expect(product).toMatchObject({
        name: seed?.name,
        priceCents: seed?.priceCents,
        available: seed?.initialStock,
      });
      expect(product.available).toBeGreaterThan(0);
    }

    // A restart seeds nothing again and leaves stock as it was.
    const mug = products[0] as inventoryV1.Product;
    await one.client.call('restockProduct', { id: mug.id, quantity: 5 });
    await Promise.all([stop(one), stop(two)]);
    const again = await start();
    expect(again.app.logs).toContain(`catalog seeded: 0 of ${CATALOG.length} products added`);
    const after = await listAll(again.client);
    expect(after).toHaveLength(CATALOG.length);
    expect(after.find((product) => product.id === mug.id)?.available).toBe(mug.available + 5);
  });
});
