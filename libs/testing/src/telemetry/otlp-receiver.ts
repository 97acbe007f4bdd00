import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { freePort } from '../stack/processes';

/** A plain attribute value: what an OTLP `AnyValue` holds, without its type wrapper. */
export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };

/** One span as an OTLP exporter sent it, flattened: ids in lower-case hex, attributes as plain values. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Absent on a root span. */
  parentSpanId?: string;
  name: string;
  /** OTLP's numbering: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  /** The `service.name` of the resource that sent it. */
  service: string;
  attributes: Record<string, AttributeValue>;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
}

/** OTLP span kinds (`Span.SpanKind` in trace.proto). */
export const SPAN_KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

export interface OtlpReceiverOptions {
  port?: number;
  /** Oldest traces are forgotten beyond this many spans, so a long run cannot grow without bound. */
  maxSpans?: number;
}

/**
 * A real OTLP/HTTP trace receiver for tests, on 127.0.0.1 and a free port. It accepts
 * `POST /v1/traces` in OTLP/JSON (`content-type: application/json`, what an SDK configured with
 * `OTEL_EXPORTER_OTLP_PROTOCOL=http/json` sends; gzip or not), keeps the spans in memory and
 * serves them to other processes at `GET /spans?traceId=<hex>` as a JSON array of
 * {@link ReceivedSpan}. Anything but JSON is refused with 415.
 *
 * @example
 * const receiver = await OtlpReceiver.start();
 * const app = AppProcess.start('order-service', {
 *   ...appEnv('order-service'),
 *   OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
 *   OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
 * });
 * const spans = await (await fetch(`${receiver.spansUrl}?traceId=${traceId}`)).json();
 * await receiver.stop();
 */
export class OtlpReceiver {
  private readonly traces = new Map<string, ReceivedSpan[]>();
  private count = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly maxSpans: number,
  ) {}

  static async start({
    port,
    maxSpans = 200_000,
  }: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
    const listenOn = port ?? (await freePort());
    const ref: { receiver?: OtlpReceiver } = {};
    const server = createServer((req, res) => {
      ref.receiver
        ?.handle(req, res)
        .catch((error: unknown) => answer(res, 500, { message: String(error) }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listenOn, '127.0.0.1', () => resolve());
    });
    ref.receiver = new OtlpReceiver(server, listenOn, maxSpans);
    return ref.receiver;
  }

  /** `http://127.0.0.1:<port>`: the value of `OTEL_EXPORTER_OTLP_ENDPOINT` (exporters append `/v1/traces`). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Where other processes read the spans: `GET <spansUrl>?traceId=<hex>`. */
  get spansUrl(): string {
    return `${this.url}/spans`;
  }

  /** The spans of one trace received so far, in arrival order. */
  trace(traceId: string): ReceivedSpan[] {
    return [...(this.traces.get(traceId.toLowerCase()) ?? [])];
  }

  /** Every span received so far (within {@link OtlpReceiverOptions.maxSpans}). */
  get spans(): ReceivedSpan[] {
    return [...this.traces.values()].flat();
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      // Exporters keep their connections alive: close() alone would wait for them.
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    if (req.method === 'POST' && url.pathname === '/v1/traces') {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      const body = await readBody(req);
      if (type !== 'application/json') {
        answer(res, 415, {
          message: `only OTLP/JSON (application/json) is accepted, not ${type || 'no content-type'}`,
        });
        return;
      }
      let request: ExportTraceServiceRequest;
      try {
        const raw = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
        request = JSON.parse(raw.toString('utf8')) as ExportTraceServiceRequest;
      } catch (error) {
        answer(res, 400, { message: `not OTLP/JSON: ${String(error)}` });
        return;
      }
      this.store(flatten(request));
      answer(res, 200, {});
      return;
    }
    if (req.method === 'GET' && url.pathname === '/spans') {
      const traceId = url.searchParams.get('traceId');
      answer(res, 200, traceId ? this.trace(traceId) : this.spans);
      return;
    }
    answer(res, 404, { message: `no ${req.method} ${url.pathname} here` });
  }

  private store(spans: ReceivedSpan[]): void {
    for (const span of spans) {
      const trace = this.traces.get(span.traceId);
      if (trace) trace.push(span);
      else this.traces.set(span.traceId, [span]);
    }
    this.count += spans.length;
    // A Map iterates in insertion order: the first trace is the oldest.
    for (const [traceId, trace] of this.traces) {
      if (this.count <= this.maxSpans) break;
      this.traces.delete(traceId);
      this.count -= trace.length;
    }
  }
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// OTLP/JSON as in opentelemetry-proto's trace.proto and common.proto, only the fields read here.
interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number | string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number | string;
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: KeyValue[];
}
interface ExportTraceServiceRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: Array<{ spans?: OtlpSpan[] }>;
  }>;
}

function flatten(request: ExportTraceServiceRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap(({ resource, scopeSpans }) => {
    const serviceName = attributes(resource?.attributes)['service.name'];
    const service = typeof serviceName === 'string' ? serviceName : 'unknown';
    return (scopeSpans ?? []).flatMap(({ spans }) =>
      (spans ?? []).map((span): ReceivedSpan => {
        const parentSpanId = span.parentSpanId ? id(span.parentSpanId) : undefined;
        return {
          traceId: id(span.traceId),
          spanId: id(span.spanId),
          ...(parentSpanId ? { parentSpanId } : {}),
          name: span.name,
          kind: kind(span.kind),
          service,
          attributes: attributes(span.attributes),
          startTimeUnixNano: String(span.startTimeUnixNano ?? '0'),
          endTimeUnixNano: String(span.endTimeUnixNano ?? '0'),
        };
      }),
    );
  });
}

/**
 * OTLP/JSON carries ids as hex (the JS SDK's JSON serializer sends them as it holds them);
 * a generic protobuf-to-JSON encoder would send base64 instead, so accept that too.
 */
function id(value: string): string {
  if (/^[0-9a-fA-F]+$/.test(value) && (value.length === 32 || value.length === 16))
    return value.toLowerCase();
  return Buffer.from(value, 'base64').toString('hex');
}

/** The JS SDK sends the number; protobuf's JSON mapping allows the enum's name too. */
function kind(value: number | string | undefined): number {
  if (typeof value === 'number') return value;
  const names = [
    'SPAN_KIND_UNSPECIFIED',
    'SPAN_KIND_INTERNAL',
    'SPAN_KIND_SERVER',
    'SPAN_KIND_CLIENT',
    'SPAN_KIND_PRODUCER',
    'SPAN_KIND_CONSUMER',
  ];
  const index = value === undefined ? 0 : names.indexOf(value);
  return index === -1 ? Number(value) || 0 : index;
}

function attributes(list: KeyValue[] | undefined): Record<string, AttributeValue> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, plain(value)]));
}

function plain(value: AnyValue | undefined): AttributeValue {
  if (!value) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  // int64 is a string in protobuf's JSON mapping, a number from the JS SDK.
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(plain);
  if (value.kvlistValue) return attributes(value.kvlistValue.values);
  if (value.bytesValue !== undefined) return value.bytesValue;
  return null;
}
