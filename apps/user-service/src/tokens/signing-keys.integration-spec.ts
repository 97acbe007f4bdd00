import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeProtectedHeader,
  exportJWK,
  jwtVerify,
} from 'jose';
import { Client } from 'pg';
import { Logger } from '@nestjs/common';
import { EVENTS, type userV1 } from '@ecommerce/contracts';
import { parseConfig } from '@ecommerce/config';
import { DEFAULT_RESILIENCE, ResilientGrpcClient } from '@ecommerce/grpc';
import { Outbox } from '@ecommerce/messaging';
import {
  AppProcess,
  appEnv,
  databaseUrl,
  DEV_ADMIN,
  DEV_JWT,
  freePort,
  waitForServing,
  WORKSPACE_ROOT,
  serviceCredentials,
} from '@ecommerce/testing';
import { configSchema } from '../config';
import { PrismaService } from '../database';
import { AdminSeed } from '../users/admin-seed.service';
import { PasswordHasher } from '../users/password-hasher';
import { UsersRepository } from '../users/users.repository';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';

type UserClient = ResilientGrpcClient<userV1.UserServiceClient>;

interface Running {
  app: AppProcess;
  client: UserClient;
}

const started: Running[] = [];

async function startUserService(env: Record<string, string> = {}): Promise<Running> {
  const port = await freePort();
  const app = AppProcess.start('user-service', {
    ...appEnv('user-service', {
      grpcPorts: { 'user-service': port },
      metricsPorts: { 'user-service': await freePort() },
    }),
    ...env,
  });
  const client: UserClient = new ResilientGrpcClient('user', `127.0.0.1:${port}`, {
    credentials: serviceCredentials(),
    resilience: {
      ...DEFAULT_RESILIENCE,
      retries: 0,
      deadlineMs: 10_000,
    },
  });
  const running = { app, client };
  started.push(running);
  await waitForServing(`127.0.0.1:${port}`, 30_000, app);
  return running;
}

async function stop(running: Running): Promise<void> {
  started.splice(started.indexOf(running), 1);
  running.client.close();
  await running.app.stop();
}

const loginAsAdmin = (client: UserClient) =>
  client.call('login', { email: DEV_ADMIN.email, password: DEV_ADMIN.password });

const jwksOf = async (client: UserClient) =>
  (await client.call('getJwks', {}, { idempotent: true })).keys.map(
    ({ n: _n, e: _e, ...jwk }) => jwk,
  );

const verifyWith = async (client: UserClient, token: string) =>
  jwtVerify(token, createLocalJWKSet({ keys: await jwksOf(client) }), {
    issuer: DEV_JWT.issuer,
    audience: DEV_JWT.audience,
    algorithms: ['EdDSA'],
  });

/** A fresh database with the committed migrations, as `npm run db:migrate` leaves it. */
describe('user-service signing keys, each test on an empty database', () => {
  const url = databaseUrl('user');
  const server = () =>
    new Client({
      connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString(),
    });
  let name = '';
  let scratchUrl = '';

  beforeEach(async () => {
    name = `ecommerce_user_it_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    scratchUrl = Object.assign(new URL(url), { pathname: `/${name}` }).toString();
    const admin = server();
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const folder = join(WORKSPACE_ROOT, 'prisma', 'user', 'migrations');
    const db = new Client({ connectionString: scratchUrl });
    await db.connect();
    for (const migration of readdirSync(folder)
      .filter((entry) => /^\d+_/.test(entry))
      .sort()) {
      await db.query(readFileSync(join(folder, migration, 'migration.sql'), 'utf8'));
    }
    await db.end();
  });

  afterEach(async () => {
    await Promise.all([...started].map(stop));
    const admin = server();
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  async function query<T>(sql: string): Promise<T[]> {
    const db = new Client({ connectionString: scratchUrl });
    await db.connect();
    try {
      return (await db.query(sql)).rows as T[];
    } finally {
      await db.end();
    }
  }

  it('keeps its generated key across a restart: the same kid, and earlier tokens still verify', async () => {
    const first = await startUserService({ DATABASE_URL: scratchUrl });
    const { accessToken } = await loginAsAdmin(first.client);
    const kid = decodeProtectedHeader(accessToken).kid;
    await stop(first);

    const second = await startUserService({ DATABASE_URL: scratchUrl });
    const { accessToken: later } = await loginAsAdmin(second.client);
    expect(decodeProtectedHeader(later).kid).toBe(kid);
    await expect(verifyWith(second.client, accessToken)).resolves.toMatchObject({
      payload: { role: 'admin' },
    });
    expect((await jwksOf(second.client)).map((key) => key.kid)).toEqual([kid]);
  });

  it('agrees on one key and one admin when several instances boot on an empty database at once', async () => {
    const instances = await Promise.all(
      [1, 2, 3].map(() => startUserService({ DATABASE_URL: scratchUrl })),
    );
    const kids = await Promise.all(
      instances.map(
        async ({ client }) => decodeProtectedHeader((await loginAsAdmin(client)).accessToken).kid,
      ),
    );
    expect(new Set(kids).size).toBe(1);
    expect(await query<{ kid: string }>('SELECT kid FROM signing_keys WHERE active')).toEqual([
      { kid: kids[0] },
    ]);
    expect(await query('SELECT role FROM users')).toEqual([{ role: 'admin' }]);
    expect(instances.map(({ app }) => app.logs).join('\n')).toMatch(
      /the admin account \(ADMIN_EMAIL\) exists: left unchanged/,
    );
  });

  it('never overwrites an existing admin account', async () => {
    const first = await startUserService({ DATABASE_URL: scratchUrl });
    await stop(first);
    const second = await startUserService({
      DATABASE_URL: scratchUrl,
      ADMIN_PASSWORD: 'another admin password',
    });
    await expect(loginAsAdmin(second.client)).resolves.toMatchObject({ tokenType: 'Bearer' });
    expect(second.app.logs).toContain('the admin account (ADMIN_EMAIL) exists: left unchanged');
    expect(second.app.logs).not.toContain(DEV_ADMIN.email);
  });

  it('signs with JWT_PRIVATE_KEY when set, and keeps serving the retired generated key for its tokens', async () => {
    const generated = await startUserService({ DATABASE_URL: scratchUrl });
    const { accessToken: before } = await loginAsAdmin(generated.client);
    const generatedKid = decodeProtectedHeader(before).kid;
    await stop(generated);

    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const configuredKid = await calculateJwkThumbprint(await exportJWK(publicKey));
    const configured = await startUserService({ DATABASE_URL: scratchUrl, JWT_PRIVATE_KEY: pem });

    const { accessToken: after } = await loginAsAdmin(configured.client);
    expect(decodeProtectedHeader(after).kid).toBe(configuredKid);
    expect((await jwksOf(configured.client)).map((key) => key.kid).sort()).toEqual(
      [configuredKid, generatedKid].sort(),
    );
    await expect(verifyWith(configured.client, before)).resolves.toBeDefined();
    await expect(verifyWith(configured.client, after)).resolves.toBeDefined();
    expect(await query('SELECT kid FROM signing_keys WHERE active')).toEqual([]);
  });

  // Processes started together still boot a second apart, so they rarely collide. Here
  // several copies of the service's own startup code, each with its own connection pool,
  // run truly at once against the empty database.
  it('lets only one of several simultaneous first boots store a key or create the admin', async () => {
    Logger.overrideLogger(false);
    const config = parseConfig(configSchema, {
      ...appEnv('user-service'),
      DATABASE_URL: scratchUrl,
    });
    const pools = [1, 2, 3, 4, 5].map(() => new PrismaService(config));
    try {
      const keys = await Promise.all(
        pools.map((prisma) =>
          new SigningKeysService(new SigningKeysRepository(prisma), config).current(),
        ),
      );
      expect(new Set(keys.map((key) => key.kid)).size).toBe(1);
      const outbox = new Outbox({ source: 'user-service' });
      await Promise.all(
        pools.map((prisma) =>
          new AdminSeed(
            new UsersRepository(prisma, outbox),
            new PasswordHasher(),
            config,
          ).ensureSeeded(),
        ),
      );
      expect(await query('SELECT kid FROM signing_keys')).toEqual([{ kid: keys[0]?.kid }]);
      expect(await query('SELECT email, role FROM users')).toEqual([
        { email: DEV_ADMIN.email, role: 'admin' },
      ]);
      // Announced once, by the one that created it.
      expect(await query('SELECT event_type FROM outbox')).toEqual([
        { event_type: EVENTS.UserRegistered.type },
      ]);
    } finally {
      await Promise.all(pools.map((prisma) => prisma.$disconnect()));
      Logger.overrideLogger(['log', 'error', 'warn']);
    }
  });
});
