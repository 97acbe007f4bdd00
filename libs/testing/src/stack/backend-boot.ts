import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Client } from 'pg';
import { deadLettersV1, grpcProtoOptions, type ProtoService } from '@ecommerce/contracts';
import {
  DEFAULT_RESILIENCE,
  generateServiceKeyPair,
  GrpcHealthClient,
  ResilientGrpcClient,
  ServiceTokens,
} from '@ecommerce/grpc';
import { AppProcess, freePort, waitFor, waitForServing } from './processes';
import { metricValue, scrape } from '../metrics/prometheus';
import { appEnv, type BackendName, serviceCredentials } from './stack';

interface Outcome {
  code: grpc.status;
  details: string;
  responses: number;
}

/**
 * A client of `address` that calls any method by its path, with a bare grpc-js client: no
 * resilience, and no service token unless the test puts one in the metadata.
 */
function rawClient(address: string) {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const outcome = (resolve: (outcome: Outcome) => void, responses: () => number) => ({
    error: (error: grpc.ServiceError) =>
      resolve({ code: error.code, details: error.details, responses: responses() }),
    ok: () => resolve({ code: grpc.status.OK, details: '', responses: responses() }),
  });
  return {
    client,
    /** A unary method of the service, its request all defaults (an empty message). */
    unary(
      method: grpc.MethodDefinition<object, object>,
      metadata: grpc.Metadata,
    ): Promise<Outcome> {
      return new Promise((resolve) => {
        let responses = 0;
        const done = outcome(resolve, () => responses);
        client.makeUnaryRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          {},
          metadata,
          { deadline: Date.now() + 5_000 },
          (error) => {
            if (error) return done.error(error);
            responses = 1;
            done.ok();
          },
        );
      });
    },
    /** Server reflection (`version` v1 or v1alpha): one ListServices request, its answers counted. */
    reflection(version: string, metadata: grpc.Metadata): Promise<Outcome> {
      return new Promise((resolve) => {
        let responses = 0;
        const done = outcome(resolve, () => responses);
        const identity = (buffer: Buffer) => buffer;
        const call = client.makeBidiStreamRequest(
          `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`,
          identity,
          identity,
          metadata,
          {
            deadline: Date.now() + 5_000,
          },
        );
        call.on('data', () => (responses += 1));
        call.on('error', done.error);
        call.on('end', done.ok);
        // ServerReflectionRequest { list_services: "" }: field 7, length-delimited, empty.
        call.write(Buffer.from([0x3a, 0x00]));
        call.end();
      });
    },
  };
}

/** `authorization` metadata for a call to `audience`, signed as `tokens`' caller. */
async function bearer(tokens: ServiceTokens | undefined, audience: string): Promise<grpc.Metadata> {
  const metadata = new grpc.Metadata();
  if (tokens) metadata.set('authorization', await tokens.authorization(audience));
  return metadata;
}

/** A read method of the service (Get…/List…): safe to call with an empty request. */
function readMethod(
  name: BackendName,
  grpcServiceName: string,
): grpc.MethodDefinition<object, object> {
  const options = grpcProtoOptions(name.replace(/-service$/, '') as ProtoService);
  const service = loadSync(options.protoPath, options.loader)[grpcServiceName] as unknown as Record<
    string,
    grpc.MethodDefinition<object, object>
  >;
  const method = Object.entries(service).find(
    ([key, definition]) =>
      /^(Get|List)/.test(key) && !definition.requestStream && !definition.responseStream,
  );
  if (!method) throw new Error(`${grpcServiceName} has no unary Get or List method`);
  return method[1];
}

/**
 * The boot contract every backend keeps, as one shared suite each service's integration
 * test runs against its own built process: it serves the standard gRPC health service to
 * anyone and every other method (reflection included) only to a caller with a service token,
 * reports SERVING only while its own database answers, serves Prometheus metrics on
 * METRICS_PORT, exits cleanly on SIGTERM, and refuses to start without its database URL.
 */
export function describeBackendBoot(name: BackendName, grpcServiceName: string): void {
  describe(`${name} as a real process`, () => {
    let app: AppProcess | undefined;
    let clients: Array<{ close(): void }> = [];

    async function start(overrides: Record<string, string> = {}) {
      const port = await freePort();
      const metricsPort = await freePort();
      const env = appEnv(name, { grpcPorts: { [name]: port }, metricsPorts: { [name]: metricsPort } });
      app = AppProcess.start(name, { ...env, ...overrides });
      const address = `127.0.0.1:${port}`;
      const client = new GrpcHealthClient(address);
      clients.push(client);
      return { app, address, client, metricsUrl: `http://127.0.0.1:${metricsPort}` };
    }

    afterEach(async () => {
      clients.forEach((client) => client.close());
      clients = [];
      await app?.stop();
      app = undefined;
    });

    it('serves gRPC health SERVING for the server and its service, backed by its own database', async () => {
      const { app, address, client } = await start();
      await waitForServing(address, 30_000, app);
      await expect(client.check(2_000, grpcServiceName)).resolves.toBe('SERVING');
      await expect(client.check(2_000, 'ecommerce.nope.v1.NoSuchService')).resolves.toBe('SERVICE_UNKNOWN');
      expect(app.logs).toContain(`${name} is ready`);
    });

    it('refuses a call without a valid service token with UNAUTHENTICATED, while health answers anyone', async () => {
      const { app, address, client } = await start();
      await waitForServing(address, 30_000, app);
      const raw = rawClient(address);
      clients.push(raw.client);
      const method = readMethod(name, grpcServiceName);
      const refused = (reason: RegExp) => ({
        code: grpc.status.UNAUTHENTICATED,
        details: expect.stringMatching(reason),
        responses: 0,
      });

      await expect(raw.unary(method, await bearer(undefined, name))).resolves.toEqual(
        refused(/a service token is required/),
      );
      const impostor = new ServiceTokens('gateway', generateServiceKeyPair().privateKey);
      await expect(raw.unary(method, await bearer(impostor, name))).resolves.toEqual(
        refused(/signature does not verify/),
      );
      const other = name === 'user-service' ? 'order-service' : 'user-service';
      await expect(raw.unary(method, await bearer(serviceCredentials(), other))).resolves.toEqual(
        refused(/is not for/),
      );
      const stranger = new ServiceTokens('payment-service', generateServiceKeyPair().privateKey);
      await expect(raw.unary(method, await bearer(stranger, name))).resolves.toEqual(
        refused(/which may not call/),
      );

      // The same call with the credential the stack gave the gateway reaches the service.
      const answered = await raw.unary(method, await bearer(serviceCredentials(), name));
      expect(grpc.status[answered.code]).not.toBe('UNAUTHENTICATED');
      // Probes carry no token.
      await expect(client.check(2_000)).resolves.toBe('SERVING');
      await expect(client.check(2_000, grpcServiceName)).resolves.toBe('SERVING');
    });

    it('answers server reflection only with a service token', async () => {
      const { app, address } = await start();
      await waitForServing(address, 30_000, app);
      const raw = rawClient(address);
      clients.push(raw.client);
      for (const version of ['v1', 'v1alpha']) {
        await expect(raw.reflection(version, await bearer(undefined, name))).resolves.toEqual({
          code: grpc.status.UNAUTHENTICATED,
          details: expect.stringMatching(/a service token is required/),
          responses: 0,
        });
        await expect(
          raw.reflection(version, await bearer(serviceCredentials(), name)),
        ).resolves.toEqual({ code: grpc.status.OK, details: '', responses: 1 });
      }
    });

    it('serves Prometheus metrics on METRICS_PORT, counting every gRPC call by its status', async () => {
      const { app, address, client, metricsUrl } = await start();
      await waitForServing(address, 30_000, app);
      const check = (code: string) => ({ grpc_service: 'grpc.health.v1.Health', grpc_method: 'Check', grpc_code: code, service: name });
      const before = await scrape(`${metricsUrl}/metrics`);
      await expect(client.check(2_000, grpcServiceName)).resolves.toBe('SERVING');
      await expect(client.check(2_000, 'ecommerce.nope.v1.NoSuchService')).resolves.toBe('SERVICE_UNKNOWN');

      const response = await fetch(`${metricsUrl}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const after = await response.text();
      expect(metricValue(after, 'grpc_server_handled_total', check('OK'))).toBe(metricValue(before, 'grpc_server_handled_total', check('OK')) + 1);
      expect(metricValue(after, 'grpc_server_handled_total', check('NOT_FOUND'))).toBe(
        metricValue(before, 'grpc_server_handled_total', check('NOT_FOUND')) + 1,
      );
      expect(metricValue(after, 'grpc_server_handling_seconds_count', check('OK'))).toBeGreaterThan(0);
      expect(metricValue(after, 'process_cpu_user_seconds_total', { service: name })).toBeGreaterThan(0);
      expect((await fetch(`${metricsUrl}/nope`)).status).toBe(404);
    });

    // Every backend that consumes keeps its dead letters and serves them (libs/messaging).
    if (name !== 'user-service') {
      it('serves DeadLetterService over its own dead letters, behind the service token, with a status for each refusal', async () => {
        const { app, address, metricsUrl } = await start();
        await waitForServing(address, 30_000, app);
        const service = name.replace(/-service$/, '') as ProtoService;
        const deadLetters = (credentials: ServiceTokens | null) => {
          const client = new ResilientGrpcClient<deadLettersV1.DeadLetterServiceClient>(service, address, {
            credentials,
            api: 'deadLetters',
            resilience: { ...DEFAULT_RESILIENCE, retries: 0 },
          });
          clients.push(client);
          return client;
        };
        const codeOf = (call: Promise<unknown>) =>
          call.then(
            () => 'OK',
            (error: { code?: grpc.status }) => grpc.status[error.code ?? grpc.status.UNKNOWN],
          );
        const topic = `boot-it-${randomUUID()}`;
        const [waiting, discarded] = [randomUUID(), randomUUID()];
        const db = new Client({ connectionString: appEnv(name)['DATABASE_URL'] });
        await db.connect();
        try {
          await db.query(
            `INSERT INTO dead_letter (id, consumer, topic, "partition", "offset", produced_at, message_key, payload, headers, error, failed_at, status)
             VALUES ($1, 'c', $3, 0, 1, now(), 'k', '\\x00', '{}', 'boom', now(), 'WAITING'),
                    ($2, 'c', $3, 0, 2, now(), 'k', '\\x00', '{}', 'boom', now(), 'DISCARDED')`,
            [waiting, discarded, topic],
          );
          const client = deadLetters(serviceCredentials());
          const page = await client.call('listDeadLetters', {
            topic,
            status: deadLettersV1.DeadLetterStatus.UNSPECIFIED,
            page: 1,
            limit: 10,
          });
          expect(page.data.map((letter) => letter.id).sort()).toEqual([waiting, discarded].sort());
          expect(page.waitingByTopic[topic]).toBe(1);
          expect(await codeOf(client.call('getDeadLetter', { id: 'not-a-uuid' }))).toBe('INVALID_ARGUMENT');
          expect(await codeOf(client.call('getDeadLetter', { id: randomUUID() }))).toBe('NOT_FOUND');
          expect(await codeOf(client.call('replayDeadLetter', { id: discarded, requestedBy: 'admin' }))).toBe(
            'FAILED_PRECONDITION',
          );
          expect(await codeOf(client.call('discardDeadLetter', { id: waiting, reason: ' ', requestedBy: 'admin' }))).toBe(
            'INVALID_ARGUMENT',
          );
          expect(await codeOf(deadLetters(null).call('getDeadLetter', { id: waiting }))).toBe('UNAUTHENTICATED');
          expect(metricValue(await scrape(`${metricsUrl}/metrics`), 'dead_letters_waiting', { topic })).toBe(1);
        } finally {
          await db.query('DELETE FROM dead_letter WHERE topic = $1', [topic]).catch(() => undefined);
          await db.end();
        }
      });
    }

    it('stops on SIGTERM: health goes away and the process exits 0', async () => {
      const { app, address, client } = await start();
      await waitForServing(address, 30_000, app);
      await expect(app.stop()).resolves.toEqual({ code: 0, signal: null });
      expect(app.logs).toContain('shutdown complete');
      await expect(client.check(1_000)).resolves.toBe('UNREACHABLE');
    });

    it('reports NOT_SERVING while its database cannot be reached', async () => {
      const { app, client } = await start({
        DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/ecommerce_database_that_does_not_exist',
      });
      await waitFor(`${name} to log that it is not ready`, async () => app.logs.includes('is not ready'), 30_000);
      await expect(client.check(2_000)).resolves.toBe('NOT_SERVING');
      await expect(client.check(2_000, grpcServiceName)).resolves.toBe('NOT_SERVING');
    });

    it('refuses to start without DATABASE_URL, naming it in one line', async () => {
      const env = appEnv(name);
      delete env['DATABASE_URL'];
      app = AppProcess.start(name, env);
      const exit = await app.exited;
      expect(exit.code).toBe(1);
      const lines = app.logs.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^${name}: Invalid configuration: DATABASE_URL is required`));
    });
  });
}
