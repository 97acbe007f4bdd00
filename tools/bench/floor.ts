/**
 * The floor: what the saga's critical path costs at least on this machine, from the same pieces
 * the platform uses (node http, grpc-js, kafkajs, pg) with nothing of the platform around them.
 * Each is measured as sequential round trips from this process, after a few warm-up ones.
 */
import { randomUUID } from 'node:crypto';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import type { FloorResult } from './results';
import { summarize } from './stats';

const WARM_UP = 20;

async function roundTrips(count: number, once: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARM_UP; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await once();
    samples.push(performance.now() - started);
  }
  return samples;
}

/** A raw node `http` server answering a small JSON body: the baseline for the gateway. */
export async function startRawHttpServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const body = JSON.stringify({ status: 'ok' });
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sequential GETs on one keep-alive connection. */
export async function httpRoundTrips(url: string, count: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const get = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(url, { agent }, (res) => {
        res.resume();
        res.once('end', resolve);
      });
      req.once('error', reject);
      req.end();
    });
  try {
    return await roundTrips(count, get);
  } finally {
    agent.destroy();
  }
}

/** A trivial grpc-js unary service on loopback (bytes in, bytes out: no protobuf to count). */
export async function grpcRoundTrips(count: number): Promise<number[]> {
  const identity = (buffer: Buffer) => buffer;
  const definition: grpc.ServiceDefinition = {
    echo: {
      path: '/bench.Echo/Echo',
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  };
  const server = new grpc.Server();
  server.addService(definition, {
    echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) =>
      callback(null, call.request),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  const Client = grpc.makeGenericClientConstructor(definition, 'Echo');
  const client = new Client(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  ) as unknown as grpc.Client & {
    echo: (
      request: Buffer,
      callback: (error: grpc.ServiceError | null, response?: Buffer) => void,
    ) => void;
  };
  const payload = Buffer.from('{"orderId":"00000000-0000-0000-0000-000000000000"}');
  try {
    return await roundTrips(
      count,
      () =>
        new Promise<void>((resolve, reject) =>
          client.echo(payload, (error) => (error ? reject(error) : resolve())),
        ),
    );
  } finally {
    client.close();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  }
}

/**
 * kafkajs produce (acks=all) → consume on a topic of its own: the time from send() to the
 * consumer's eachMessage. The topic is created with its leader up front and deleted after; the
 * group is unique and leaves on disconnect.
 */
export async function kafkaRoundTrips(broker: string, count: number): Promise<number[]> {
  const kafka = new Kafka({ clientId: 'bench-floor', brokers: [broker], logLevel: logLevel.ERROR });
  const topic = `bench.floor.${randomUUID()}`;
  const groupId = `bench-floor-${randomUUID()}`;
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  // A short fetch wait: the floor is the broker's round trip, not kafkajs's long-poll default.
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 5, allowAutoTopicCreation: false });
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    await Promise.all([producer.connect(), consumer.connect()]);
    await consumer.subscribe({ topic, fromBeginning: true });
    const waiting = new Map<string, () => void>();
    await consumer.run({
      eachMessage: async ({ message }) => {
        const key = message.key?.toString() ?? '';
        waiting.get(key)?.();
        waiting.delete(key);
      },
    });
    let n = 0;
    const once = async () => {
      const key = String(n++);
      const received = new Promise<void>((resolve) => waiting.set(key, resolve));
      await producer.send({ topic, acks: -1, messages: [{ key, value: 'x' }] });
      await received;
    };
    // The first message waits for the group to form: far longer than any round trip after.
    await once();
    return await roundTrips(count, once);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

/**
 * A single-row INSERT committed (autocommit: one round trip, one WAL flush) into a regular table
 * of a scratch schema, dropped after. Not a TEMP table: those write no WAL, so their commit
 * would skip the flush every real commit waits for.
 */
export async function postgresRoundTrips(
  connectionString: string,
  count: number,
): Promise<number[]> {
  const client = new Client({ connectionString });
  const schema = `bench_scratch_${process.pid}_${Date.now()}`;
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(
      `CREATE TABLE ${schema}.row (id bigserial PRIMARY KEY, payload text NOT NULL)`,
    );
    return await roundTrips(count, () =>
      client.query(`INSERT INTO ${schema}.row (payload) VALUES ($1)`, ['x']),
    );
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await client.end();
  }
}

/** All four floors, one after the other (so they do not disturb each other), and the saga's sum. */
export async function measureFloor(options: {
  rawHttpUrl: string;
  kafkaBroker: string;
  postgresUrl: string;
  count: number;
}): Promise<FloorResult> {
  const http = summarize(await httpRoundTrips(options.rawHttpUrl, options.count));
  const grpcSummary = summarize(await grpcRoundTrips(options.count));
  const kafka = summarize(
    await kafkaRoundTrips(options.kafkaBroker, Math.max(20, Math.round(options.count / 5))),
  );
  const pgCommit = summarize(await postgresRoundTrips(options.postgresUrl, options.count));
  return {
    http,
    grpc: grpcSummary,
    kafka,
    pgCommit,
    criticalPathMs: 4 * pgCommit.p50 + 4 * kafka.p50 + grpcSummary.p50 + http.p50,
  };
}
