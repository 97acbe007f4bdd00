import { type CallOptions, Metadata, status } from '@grpc/grpc-js';
import { ClientGrpcProxy } from '@nestjs/microservices';
import {
  bulkhead,
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  type IPolicy,
  noop,
  retry,
  wrap,
} from 'cockatiel';
import type { Registry } from 'prom-client';
import { lastValueFrom, type Observable } from 'rxjs';
import { type GrpcApi, grpcProtoOptions, grpcServiceName, type ProtoService } from '@ecommerce/contracts';
import { type GrpcCallRecorder, grpcClientRecorder, secondsSince } from '@ecommerce/observability';
import { SERVICE_TOKEN_METADATA, type ServiceTokens } from './service-tokens';
import { grpcChannel } from './channel';

/** The unary methods of a ts-proto `...ServiceClient` interface. */
type UnaryMethod<T> = {
  [K in keyof T]: T[K] extends (request: never, metadata?: Metadata) => Observable<unknown> ? K : never;
}[keyof T];
type RequestOf<T, K extends keyof T> = T[K] extends (request: infer Q, metadata?: Metadata) => unknown ? Q : never;
type ResponseOf<T, K extends keyof T> = T[K] extends (...args: never[]) => Observable<infer R> ? R : never;

export interface ResilienceOptions {
  /** Every attempt gets this deadline; a call never waits longer than attempts × deadline. */
  deadlineMs: number;
  /** Extra attempts for idempotent calls that failed with UNAVAILABLE. */
  retries: number;
  /** Consecutive failures (unavailable, deadline, internal) that open the circuit. */
  breakerThreshold: number;
  /** How long an open circuit fails fast before one trial call is let through. */
  halfOpenAfterMs: number;
  /** Calls in flight at once; more are rejected at once instead of queueing. */
  maxConcurrent: number;
}

export const DEFAULT_RESILIENCE: ResilienceOptions = {
  deadlineMs: 2_000,
  retries: 2,
  breakerThreshold: 5,
  halfOpenAfterMs: 5_000,
  maxConcurrent: 100,
};

/** Failures that say "the backend is unwell", as opposed to "your request is wrong". */
const OUTAGE_CODES = new Set([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.INTERNAL, status.UNKNOWN]);
const isOutage = (error: unknown) => OUTAGE_CODES.has((error as { code?: number })?.code as status);
const isUnavailable = (error: unknown) => (error as { code?: number })?.code === status.UNAVAILABLE;

/** The name of the backend that serves `service` (`order` → `order-service`): the `aud` of its service tokens. */
export function backendServiceName(service: ProtoService): string {
  return `${service}-service`;
}

export interface GrpcClientOptions {
  /**
   * Mints the service token every call carries (see ServiceTokens): every backend refuses a
   * call without one. `null` sends none, which only shows a backend refusing such a call.
   */
  credentials: ServiceTokens | null;
  resilience?: ResilienceOptions;
  /** Where every attempt that reaches the network is counted and timed. */
  metrics?: Registry;
  /** The API to call, when not the backend's own: a shared one it serves too (`deadLetters`). */
  api?: GrpcApi;
}

export interface CallSettings {
  /** Safe to send twice (a read, or a write with its own idempotency key): may be retried. */
  idempotent?: boolean;
  metadata?: Metadata;
}

/**
 * A gRPC client of one backend with the resilience every caller needs: a deadline on every
 * call, retries with exponential backoff only where the call is idempotent, a circuit
 * breaker (a dead backend fails fast instead of costing a deadline per request) and a
 * bulkhead; and the calling service's token on every call. Policies come from cockatiel;
 * errors surface unchanged (gRPC errors with their code, or cockatiel's BrokenCircuitError /
 * BulkheadRejectedError), so the caller maps them.
 *
 * Given a metrics registry, every attempt that reaches the network is counted and timed in
 * `grpc_client_handled_total` / `grpc_client_handling_seconds` by its status; calls the breaker
 * or the bulkhead refuse never leave the process and are not.
 */
export class ResilientGrpcClient<T extends object> {
  private readonly proxy: ClientGrpcProxy;
  private readonly client: T;
  private readonly guarded: IPolicy;
  private readonly retrying: IPolicy;
  private readonly record?: GrpcCallRecorder;
  private readonly credentials: ServiceTokens | null;
  private readonly audience: string;
  private readonly api: GrpcApi;
  readonly options: ResilienceOptions;

  /** `addresses`: the backend's one address, or one per replica (round robin over them). */
  constructor(
    readonly service: ProtoService,
    addresses: string | readonly string[],
    { credentials, resilience: options = DEFAULT_RESILIENCE, metrics, api = service }: GrpcClientOptions,
  ) {
    this.options = options;
    this.api = api;
    this.credentials = credentials;
    this.audience = backendServiceName(service);
    this.record = metrics ? grpcClientRecorder(metrics) : undefined;
    const channel = grpcChannel(addresses);
    this.proxy = new ClientGrpcProxy({ ...grpcProtoOptions(api), url: channel.target, channelOptions: channel.options });
    this.client = this.proxy.getService<T>(grpcServiceName(api).split('.').pop() as string);
    const breaker = circuitBreaker(handleWhen(isOutage), {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakerThreshold),
    });
    this.guarded = wrap(bulkhead(options.maxConcurrent), breaker);
    this.retrying =
      options.retries > 0
        ? wrap(
            retry(handleWhen(isUnavailable), {
              maxAttempts: options.retries,
              backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 500 }),
            }),
            this.guarded,
          )
        : wrap(noop, this.guarded);
  }

  call<K extends UnaryMethod<T>>(method: K, request: RequestOf<T, K>, settings: CallSettings = {}): Promise<ResponseOf<T, K>> {
    const policy = settings.idempotent ? this.retrying : this.guarded;
    return policy.execute(async () => {
      const metadata = await this.metadata(settings.metadata);
      const callOptions: CallOptions = { deadline: Date.now() + this.options.deadlineMs };
      const fn = this.client[method] as unknown as (
        request: unknown,
        metadata: Metadata,
        options: CallOptions,
      ) => Observable<ResponseOf<T, K>>;
      const started = process.hrtime.bigint();
      const attempt = lastValueFrom(fn.call(this.client, request, metadata, callOptions));
      return this.record ? this.timed(String(method), started, attempt) : attempt;
    });
  }

  /** The call's own metadata (copied: an attempt must not change what the next one sends) and the token. */
  private async metadata(own: Metadata | undefined): Promise<Metadata> {
    const metadata = own?.clone() ?? new Metadata();
    if (this.credentials)
      metadata.set(SERVICE_TOKEN_METADATA, await this.credentials.authorization(this.audience));
    return metadata;
  }

  private async timed<R>(method: string, started: bigint, attempt: Promise<R>): Promise<R> {
    const record = (code: number | undefined) =>
      this.record?.({ service: grpcServiceName(this.api), method: pascalCase(method), code, seconds: secondsSince(started) });
    try {
      const response = await attempt;
      record(status.OK);
      return response;
    } catch (error) {
      record((error as { code?: number })?.code);
      throw error;
    }
  }

  close(): void {
    this.proxy.close();
  }
}

/** `getProductsByIds` → `GetProductsByIds`: the method's name in the proto, as the server counts it. */
function pascalCase(method: string): string {
  return method.charAt(0).toUpperCase() + method.slice(1);
}
