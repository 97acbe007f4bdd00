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
import { lastValueFrom, type Observable } from 'rxjs';
import { grpcProtoOptions, GRPC_SERVICE_NAMES, type ProtoService } from '@ecommerce/contracts';

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

export interface CallSettings {
  /** Safe to send twice (a read, or a write with its own idempotency key): may be retried. */
  idempotent?: boolean;
  metadata?: Metadata;
}

/**
 * A gRPC client of one backend with the resilience every caller needs: a deadline on every
 * call, retries with exponential backoff only where the call is idempotent, a circuit
 * breaker (a dead backend fails fast instead of costing a deadline per request) and a
 * bulkhead. Policies come from cockatiel; errors surface unchanged (gRPC errors with their
 * code, or cockatiel's BrokenCircuitError / BulkheadRejectedError), so the caller maps them.
 */
export class ResilientGrpcClient<T extends object> {
  private readonly proxy: ClientGrpcProxy;
  private readonly client: T;
  private readonly guarded: IPolicy;
  private readonly retrying: IPolicy;

  constructor(
    readonly service: ProtoService,
    url: string,
    readonly options: ResilienceOptions = DEFAULT_RESILIENCE,
  ) {
    this.proxy = new ClientGrpcProxy({ ...grpcProtoOptions(service), url });
    this.client = this.proxy.getService<T>(GRPC_SERVICE_NAMES[service].split('.').pop() as string);
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
    return policy.execute(() => {
      const callOptions: CallOptions = { deadline: Date.now() + this.options.deadlineMs };
      const fn = this.client[method] as unknown as (
        request: unknown,
        metadata: Metadata,
        options: CallOptions,
      ) => Observable<ResponseOf<T, K>>;
      return lastValueFrom(fn.call(this.client, request, settings.metadata ?? new Metadata(), callOptions));
    });
  }

  close(): void {
    this.proxy.close();
  }
}
