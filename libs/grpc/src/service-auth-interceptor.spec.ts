import { createPrivateKey } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { SignJWT } from 'jose';
import { GrpcHealth } from './health';
import { GrpcHealthClient } from './health-client';
import { serviceAuthInterceptor } from './service-auth-interceptor';
import { generateServiceKeyPair, ServiceTokens, ServiceTokenVerifier } from './service-tokens';

const identity = (buffer: Buffer) => buffer;
const method = (name: string, stream: boolean) => ({
  path: `/test.v1.Echo/${name}`,
  requestStream: stream,
  responseStream: stream,
  requestSerialize: identity,
  requestDeserialize: identity,
  responseSerialize: identity,
  responseDeserialize: identity,
});
/** A unary and a bidirectional streaming method (as reflection's is): bytes in, bytes out. */
const ECHO: grpc.ServiceDefinition = { echo: method('Echo', false), chat: method('Chat', true) };

type EchoClient = grpc.Client & {
  echo(
    request: Buffer,
    metadata: grpc.Metadata,
    callback: (error: grpc.ServiceError | null, response?: Buffer) => void,
  ): void;
  chat(metadata: grpc.Metadata): grpc.ClientDuplexStream<Buffer, Buffer>;
};

const gateway = generateServiceKeyPair();
const orders = generateServiceKeyPair();
const stranger = generateServiceKeyPair();

describe('serviceAuthInterceptor on a real gRPC server', () => {
  let server: grpc.Server;
  let client: EchoClient;
  let health: GrpcHealthClient;
  let verifier: ServiceTokenVerifier;
  const handled: string[] = [];

  beforeAll(async () => {
    verifier = new ServiceTokenVerifier('inventory-service', {
      gateway: gateway.publicKey,
      'order-service': orders.publicKey,
    });
    server = new grpc.Server({ interceptors: [serviceAuthInterceptor(verifier)] });
    server.addService(ECHO, {
      echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        handled.push('Echo');
        callback(null, call.request);
      },
      chat: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
        handled.push('Chat');
        call.on('data', (chunk: Buffer) => call.write(chunk));
        call.on('end', () => call.end());
      },
    });
    const grpcHealth = new GrpcHealth(['test.v1.Echo']);
    grpcHealth.setServing();
    grpcHealth.implementation.addToServer(server);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    const Client = grpc.makeGenericClientConstructor(ECHO, 'Echo');
    client = new Client(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    ) as unknown as EchoClient;
    health = new GrpcHealthClient(`127.0.0.1:${port}`);
  });

  afterAll(() => {
    client.close();
    health.close();
    server.forceShutdown();
  });

  beforeEach(() => {
    handled.length = 0;
    jest.restoreAllMocks();
  });

  function echo(
    authorization?: string,
  ): Promise<{ code: grpc.status; details: string; response?: string }> {
    const metadata = new grpc.Metadata();
    if (authorization !== undefined) metadata.set('authorization', authorization);
    return new Promise((resolve) =>
      client.echo(Buffer.from('ping'), metadata, (error, response) =>
        resolve(
          error
            ? { code: error.code, details: error.details }
            : { code: grpc.status.OK, details: '', response: response?.toString() },
        ),
      ),
    );
  }

  const now = () => Math.floor(Date.now() / 1000);
  const signed = async (
    claims: { iss: string; aud: string; iat: number; exp: number },
    privateKey: string,
  ) =>
    `Bearer ${await new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer(claims.iss)
      .setAudience(claims.aud)
      .setIssuedAt(claims.iat)
      .setExpirationTime(claims.exp)
      .sign(createPrivateKey(privateKey))}`;

  it('lets a call with a valid token through to its handler', async () => {
    const authorization = await new ServiceTokens('gateway', gateway.privateKey).authorization(
      'inventory-service',
    );
    await expect(echo(authorization)).resolves.toEqual({
      code: grpc.status.OK,
      details: '',
      response: 'ping',
    });
    const fromOrders = await new ServiceTokens('order-service', orders.privateKey).authorization(
      'inventory-service',
    );
    await expect(echo(fromOrders)).resolves.toMatchObject({
      code: grpc.status.OK,
      response: 'ping',
    });
    expect(handled).toEqual(['Echo', 'Echo']);
  });

  it('checks a token it has seen from its cache, without verifying it again', async () => {
    // Not the token of the test before (Ed25519 signatures are deterministic: same claims, same token).
    const authorization = await new ServiceTokens('gateway', gateway.privateKey, {
      ttlSeconds: 120,
    }).authorization('inventory-service');
    const verify = jest.spyOn(verifier, 'verify');
    await echo(authorization);
    await echo(authorization);
    await echo(authorization);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(handled).toHaveLength(3);
  });

  it.each([
    ['no token', async () => undefined, /a service token is required/],
    ['a malformed one', async () => 'Bearer not.a.jwt', /malformed/],
    [
      'a token signed with the wrong key',
      async () =>
        signed(
          { iss: 'gateway', aud: 'inventory-service', iat: now(), exp: now() + 60 },
          stranger.privateKey,
        ),
      /signature does not verify/,
    ],
    [
      'a token for another service',
      async () => new ServiceTokens('gateway', gateway.privateKey).authorization('user-service'),
      /not for inventory-service \(aud\)/,
    ],
    [
      'an expired token',
      async () =>
        signed(
          { iss: 'gateway', aud: 'inventory-service', iat: now() - 600, exp: now() - 1 },
          gateway.privateKey,
        ),
      /expired/,
    ],
    [
      'a token from an unknown caller',
      async () =>
        new ServiceTokens('payment-service', stranger.privateKey).authorization(
          'inventory-service',
        ),
      /"payment-service", which may not call/,
    ],
  ])(
    'refuses a call with %s: UNAUTHENTICATED, and the handler never runs',
    async (_case, token, reason) => {
      const { code, details } = await echo(await token());
      expect(grpc.status[code]).toBe('UNAUTHENTICATED');
      expect(details).toMatch(reason);
      expect(handled).toEqual([]);
    },
  );

  it('guards streaming methods too', async () => {
    const chat = (metadata: grpc.Metadata) =>
      new Promise<{ code: grpc.status; details: string; received: string[] }>((resolve) => {
        const received: string[] = [];
        const call = client.chat(metadata);
        call.on('data', (chunk: Buffer) => received.push(chunk.toString()));
        call.on('error', (error: grpc.ServiceError) =>
          resolve({ code: error.code, details: error.details, received }),
        );
        call.on('end', () => resolve({ code: grpc.status.OK, details: '', received }));
        call.write(Buffer.from('hello'));
        call.end();
      });
    const refused = await chat(new grpc.Metadata());
    expect(grpc.status[refused.code]).toBe('UNAUTHENTICATED');
    expect(refused.received).toEqual([]);
    expect(handled).toEqual([]);

    const metadata = new grpc.Metadata();
    metadata.set(
      'authorization',
      await new ServiceTokens('gateway', gateway.privateKey).authorization('inventory-service'),
    );
    await expect(chat(metadata)).resolves.toEqual({
      code: grpc.status.OK,
      details: '',
      received: ['hello'],
    });
    expect(handled).toEqual(['Chat']);
  });

  it('leaves the standard health service open: a probe needs no token', async () => {
    await expect(health.check(2_000)).resolves.toBe('SERVING');
    await expect(health.check(2_000, 'test.v1.Echo')).resolves.toBe('SERVING');
  });
});
