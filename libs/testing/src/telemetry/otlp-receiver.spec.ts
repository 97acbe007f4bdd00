import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { ExportPlan } from './fixtures/export-spans';
import { OtlpReceiver, type ReceivedSpan, SPAN_KIND } from './otlp-receiver';
import { WORKSPACE_ROOT } from '../stack/processes';

interface SpanContext {
  traceId: string;
  spanId: string;
}

/**
 * Spans made and exported by the SDK (BasicTracerProvider, SimpleSpanProcessor and the OTLP/HTTP
 * JSON exporter) in a process of its own, over real HTTP into the receiver.
 */
async function exportSpans(
  receiver: OtlpReceiver,
  service: string,
  spans: ExportPlan['spans'],
): Promise<SpanContext[]> {
  const plan: ExportPlan = { url: `${receiver.url}/v1/traces`, service, spans };
  const { stdout } = await promisify(execFile)(
    join(WORKSPACE_ROOT, 'node_modules', '.bin', 'tsx'),
    [join(__dirname, 'fixtures', 'export-spans.ts'), JSON.stringify(plan)],
    { cwd: WORKSPACE_ROOT },
  );
  return JSON.parse(stdout) as SpanContext[];
}

function post(
  url: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

// Each export starts a process of its own.
jest.setTimeout(30_000);

describe('OtlpReceiver', () => {
  let receiver: OtlpReceiver;

  beforeEach(async () => {
    receiver = await OtlpReceiver.start();
  });
  afterEach(() => receiver.stop());

  it('stores what the SDK exports as OTLP/JSON: ids, parents, kinds, service name, attributes, times', async () => {
    // A remote parent, as a client's traceparent header gives the gateway.
    const remote = { traceId: hex(16), spanId: hex(8) };
    const [server, producer] = await exportSpans(receiver, 'order-service', [
      { name: 'POST /orders', kind: 'SERVER', parent: remote },
      {
        name: 'publish inventory.commands',
        kind: 'PRODUCER',
        parent: 0,
        attributes: {
          'messaging.destination.name': 'inventory.commands',
          'retry.count': 2,
          ratio: 0.5,
          sampled: true,
          tags: ['a', 'b'],
        },
      },
    ]);

    const spans = receiver.trace(remote.traceId);
    const named = (name: string) => spans.find((s) => s.name === name) as ReceivedSpan;
    expect(spans).toHaveLength(2);
    expect(named('POST /orders')).toMatchObject({
      traceId: remote.traceId,
      spanId: server?.spanId,
      parentSpanId: remote.spanId,
      kind: SPAN_KIND.SERVER,
      service: 'order-service',
    });
    expect(named('publish inventory.commands')).toMatchObject({
      traceId: remote.traceId,
      spanId: producer?.spanId,
      parentSpanId: server?.spanId,
      kind: SPAN_KIND.PRODUCER,
      service: 'order-service',
      attributes: {
        'messaging.destination.name': 'inventory.commands',
        'retry.count': 2,
        ratio: 0.5,
        sampled: true,
        tags: ['a', 'b'],
      },
    });
    for (const span of spans) {
      expect(span.startTimeUnixNano).toMatch(/^\d{19}$/);
      expect(BigInt(span.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(span.startTimeUnixNano));
    }
  });

  it('serves one trace, from several services, at GET /spans?traceId=; a root span has no parent', async () => {
    const [root] = await exportSpans(receiver, 'gateway', [
      { name: 'POST /api/v1/orders', kind: 'SERVER' },
    ]);
    if (!root) throw new Error('no span exported');
    // The next hop, in another process, continues the trace as a Kafka header would carry it.
    await exportSpans(receiver, 'payment-service', [
      { name: 'process payment.commands', kind: 'CONSUMER', parent: root },
    ]);
    await exportSpans(receiver, 'gateway', [{ name: 'another trace' }]);

    const res = await fetch(`${receiver.spansUrl}?traceId=${root.traceId.toUpperCase()}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const spans = (await res.json()) as ReceivedSpan[];
    expect(spans.map((s) => [s.service, s.name, s.kind, s.parentSpanId ?? null]).sort()).toEqual([
      ['gateway', 'POST /api/v1/orders', SPAN_KIND.SERVER, null],
      ['payment-service', 'process payment.commands', SPAN_KIND.CONSUMER, root.spanId],
    ]);
    expect(spans.find((s) => s.service === 'gateway')).not.toHaveProperty('parentSpanId');
    expect(await (await fetch(`${receiver.spansUrl}?traceId=${hex(16)}`)).json()).toEqual([]);
    expect(receiver.spans).toHaveLength(3);
  });

  it('accepts gzip, base64 ids, enum names and string int64s (protobuf JSON mapping), and answers 200 {}', async () => {
    const traceId = randomBytes(16);
    const spanId = randomBytes(8);
    const span = {
      traceId: traceId.toString('base64'),
      spanId: spanId.toString('base64'),
      parentSpanId: '',
      name: 'process inventory.commands',
      kind: 'SPAN_KIND_CONSUMER',
      startTimeUnixNano: '1',
      endTimeUnixNano: '2',
      attributes: [{ key: 'messaging.kafka.offset', value: { intValue: '42' } }],
    };
    const body = {
      resourceSpans: [
        {
          resource: {
            attributes: [{ key: 'service.name', value: { stringValue: 'inventory-service' } }],
          },
          scopeSpans: [{ spans: [span] }],
        },
      ],
    };
    const res = await post(`${receiver.url}/v1/traces`, gzipSync(JSON.stringify(body)), {
      'content-type': 'application/json; charset=utf-8',
      'content-encoding': 'gzip',
    });
    expect(res).toEqual({ status: 200, body: '{}' });
    expect(receiver.trace(traceId.toString('hex'))).toEqual([
      {
        traceId: traceId.toString('hex'),
        spanId: spanId.toString('hex'),
        name: 'process inventory.commands',
        kind: SPAN_KIND.CONSUMER,
        service: 'inventory-service',
        attributes: { 'messaging.kafka.offset': 42 },
        startTimeUnixNano: '1',
        endTimeUnixNano: '2',
      },
    ]);
  });

  it('refuses protobuf with 415 and broken JSON with 400, stores nothing, and answers 404 elsewhere', async () => {
    const traces = `${receiver.url}/v1/traces`;
    expect(
      (await post(traces, Buffer.from([0x0a, 0x00]), { 'content-type': 'application/x-protobuf' }))
        .status,
    ).toBe(415);
    expect(
      (
        await post(traces, Buffer.from('{"resourceSpans": ['), {
          'content-type': 'application/json',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await post(`${receiver.url}/v1/metrics`, Buffer.from('{}'), {
          'content-type': 'application/json',
        })
      ).status,
    ).toBe(404);
    expect(receiver.spans).toEqual([]);
  });

  it('forgets the oldest whole traces beyond maxSpans', async () => {
    const small = await OtlpReceiver.start({ maxSpans: 2 });
    try {
      const [older] = await exportSpans(small, 'gateway', [
        { name: 'older' },
        { name: 'older child', parent: 0 },
      ]);
      const [newer] = await exportSpans(small, 'gateway', [{ name: 'newer' }]);
      expect(small.spans.map((s) => s.name)).toEqual(['newer']);
      expect(small.trace(older?.traceId ?? '')).toEqual([]);
      expect(small.trace(newer?.traceId ?? '')).toHaveLength(1);
    } finally {
      await small.stop();
    }
  });
});
