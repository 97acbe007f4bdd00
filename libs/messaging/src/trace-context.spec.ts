import type { ConsumedMessage, OutgoingMessage } from '@ecommerce/kafka';
import { recordSpans, type SpanRecorder } from '@ecommerce/testing';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import type { SqlExecutor } from './database';
import { Outbox } from './outbox';
import {
  activeTraceparent,
  consumeTraced,
  publishTraced,
  publishTracedBatch,
  withTraceparent,
} from './trace-context';

const STORED_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const STORED_SPAN = '00f067aa0ba902b7';
const STORED = `00-${STORED_TRACE}-${STORED_SPAN}-01`;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

describe('trace context across the outbox', () => {
  let recorder: SpanRecorder;
  beforeEach(() => {
    recorder = recordSpans();
  });
  afterEach(() => recorder.uninstall());

  const tracer = () => trace.getTracer('test');
  const message = (traceparent?: string): OutgoingMessage => ({
    key: 'order-1',
    value: Buffer.from('payload'),
    headers: {
      ce_id: 'id-1',
      ce_type: 'ecommerce.order.v1.OrderConfirmed',
      ...(traceparent ? { traceparent } : {}),
    },
  });

  describe('activeTraceparent', () => {
    it("is the active span's W3C traceparent", () => {
      tracer().startActiveSpan('handle', (span) => {
        const { traceId, spanId } = span.spanContext();
        expect(activeTraceparent()).toBe(`00-${traceId}-${spanId}-01`);
        span.end();
      });
    });

    it('is undefined outside a span', () => {
      expect(activeTraceparent()).toBeUndefined();
    });
  });

  describe('withTraceparent', () => {
    it('runs in the stored trace, whatever trace was active when it was called', () => {
      tracer().startActiveSpan('the worker woken by another request', (unrelated) => {
        withTraceparent(STORED, () => {
          expect(trace.getActiveSpan()?.spanContext()).toMatchObject({
            traceId: STORED_TRACE,
            spanId: STORED_SPAN,
          });
          const child = tracer().startSpan('send');
          expect(child.spanContext().traceId).toBe(STORED_TRACE);
          child.end();
        });
        unrelated.end();
      });
    });

    it("runs in no trace at all without one, not in the caller's", () => {
      tracer().startActiveSpan('the caller', (caller) => {
        withTraceparent(null, () => expect(trace.getActiveSpan()).toBeUndefined());
        withTraceparent(undefined, () => expect(activeTraceparent()).toBeUndefined());
        caller.end();
      });
    });
  });

  describe('Outbox.enqueue', () => {
    async function storedTraceparent(outbox: Outbox, traceparent?: string) {
      let stored: unknown;
      const tx: SqlExecutor = {
        $executeRawUnsafe: async (_sql, ...values) => {
          stored = values[6];
          return 1;
        },
      };
      await outbox.enqueue(tx, {
        topic: 't',
        key: 'k',
        type: 'x.Y',
        payload: new Uint8Array(),
        traceparent,
      });
      return stored;
    }

    it("stores the active span's context, so the next hop is a child of the work that wrote it", async () => {
      const outbox = new Outbox({ source: 'order-service' });
      await tracer().startActiveSpan('process inventory.events.v1', async (span) => {
        const { traceId, spanId } = span.spanContext();
        expect(await storedTraceparent(outbox, STORED)).toBe(`00-${traceId}-${spanId}-01`);
        span.end();
      });
    });

    it("stores the caller's traceparent where no span is active (a timer continuing a stored trace)", async () => {
      expect(await storedTraceparent(new Outbox({ source: 'order-service' }), STORED)).toBe(STORED);
    });
  });

  describe('publishTraced', () => {
    it('sends each message with a PRODUCER span of its own, child of the context its row stored', async () => {
      let sent: OutgoingMessage[] = [];
      await publishTraced('order.events.v1', [message(STORED), message()], async (messages) => {
        sent = messages;
      });

      const spans = recorder.spans();
      expect(spans).toHaveLength(2);
      const [continued, fresh] = spans;
      expect(continued.name).toBe('publish order.events.v1');
      expect(continued.kind).toBe(SpanKind.PRODUCER);
      expect(continued.spanContext().traceId).toBe(STORED_TRACE);
      expect(continued.parentSpanContext?.spanId).toBe(STORED_SPAN);
      expect(continued.attributes).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.destination.name': 'order.events.v1',
        'messaging.kafka.message.key': 'order-1',
        'messaging.message.id': 'id-1',
      });
      // A row without a stored context starts a trace of its own.
      expect(fresh.parentSpanContext).toBeUndefined();

      // The consumer's span will be a child of the producer span, not of the stored context.
      expect(sent[0].headers?.['traceparent']).toBe(
        `00-${STORED_TRACE}-${continued.spanContext().spanId}-01`,
      );
      expect(sent[1].headers?.['traceparent']).toMatch(TRACEPARENT);
      expect(sent[1].headers?.['traceparent']).toContain(fresh.spanContext().spanId);
      expect(sent[0].headers?.['ce_id']).toBe('id-1');
    });

    it('traces every message of every topic of a batch sent in one request, each span named for its topic', async () => {
      let sent: Array<{ topic: string; messages: OutgoingMessage[] }> = [];
      await publishTracedBatch(
        [
          { topic: 'inventory.commands.v1', messages: [message(STORED)] },
          { topic: 'order.events.v1', messages: [message(STORED), message()] },
        ],
        async (batches) => {
          sent = batches;
        },
      );
      const spans = recorder.spans();
      expect(spans.map((span) => span.name)).toEqual([
        'publish inventory.commands.v1',
        'publish order.events.v1',
        'publish order.events.v1',
      ]);
      expect(sent.map((batch) => [batch.topic, batch.messages.length])).toEqual([
        ['inventory.commands.v1', 1],
        ['order.events.v1', 2],
      ]);
      expect(sent[1]?.messages[0]?.headers?.['traceparent']).toBe(
        `00-${STORED_TRACE}-${spans[1]?.spanContext().spanId}-01`,
      );
    });

    it("leaves the caller's messages as they were", async () => {
      const original = message(STORED);
      await publishTraced('t', [original], async () => undefined);
      expect(original.headers?.['traceparent']).toBe(STORED);
    });

    it('turns tracing off inside the send, so the kafkajs instrumentation neither re-parents nor rewrites the headers', async () => {
      let suppressed = false;
      await publishTraced('t', [message(STORED)], async () => {
        suppressed = isTracingSuppressed(context.active());
      });
      expect(suppressed).toBe(true);
    });

    it('marks every span of a failed send as an error and rethrows', async () => {
      const failure = new Error('broker unavailable');
      await expect(
        publishTraced('t', [message(STORED), message(STORED)], async () => {
          throw failure;
        }),
      ).rejects.toBe(failure);
      const spans = recorder.spans();
      expect(spans).toHaveLength(2);
      for (const span of spans) {
        expect(span.status).toEqual({
          code: SpanStatusCode.ERROR,
          message: 'Error: broker unavailable',
        });
        expect(span.events.map((event) => event.name)).toEqual(['exception']);
      }
    });
  });
});

describe('consumeTraced', () => {
  let recorder: SpanRecorder;
  beforeEach(() => {
    recorder = recordSpans();
  });
  afterEach(() => recorder.uninstall());

  const consumed = (headers: Record<string, string>): ConsumedMessage => ({
    topic: 'inventory.events',
    partition: 2,
    offset: '41',
    key: 'order-1',
    value: Buffer.from('payload'),
    headers: { ce_id: 'id-1', ce_type: 'ecommerce.inventory.v1.InventoryReserved', ...headers },
    timestamp: '1700000000000',
  });

  it("runs the handler in a CONSUMER span, child of the producer's span the message carries", async () => {
    let inside: string | undefined;
    const result = await consumeTraced(
      consumed({ traceparent: STORED }),
      'order-service',
      async () => {
        inside = activeTraceparent();
        return 'handled';
      },
    );
    expect(result).toBe('handled');
    const [span] = recorder.spans();
    expect(span.name).toBe('process inventory.events');
    expect(span.kind).toBe(SpanKind.CONSUMER);
    expect(span.spanContext().traceId).toBe(STORED_TRACE);
    expect(span.parentSpanContext?.spanId).toBe(STORED_SPAN);
    expect(span.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': 'inventory.events',
      'messaging.destination.partition.id': '2',
      'messaging.consumer.group.name': 'order-service',
      'messaging.kafka.offset': 41,
      'messaging.kafka.message.key': 'order-1',
      'messaging.message.id': 'id-1',
      'cloudevents.event_type': 'ecommerce.inventory.v1.InventoryReserved',
    });
    // what the handler writes to its outbox continues the trace from this span
    expect(inside).toBe(`00-${STORED_TRACE}-${span.spanContext().spanId}-01`);
  });

  it('starts a trace of its own for a message without a traceparent', async () => {
    await consumeTraced(consumed({}), 'g', async () => undefined);
    const [span] = recorder.spans();
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('marks the span of a failed handler as an error and rethrows', async () => {
    const failure = new Error('database down');
    await expect(
      consumeTraced(consumed({ traceparent: STORED }), 'g', async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    const [span] = recorder.spans();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Error: database down' });
  });
});

describe('trace context with tracing off', () => {
  it('publishes the stored traceparent untouched', async () => {
    let sent: OutgoingMessage[] = [];
    await publishTraced(
      't',
      [{ key: 'k', value: Buffer.from(''), headers: { traceparent: STORED } }],
      async (messages) => {
        sent = messages;
      },
    );
    expect(sent[0].headers?.['traceparent']).toBe(STORED);
    expect(activeTraceparent()).toBeUndefined();
  });
});
