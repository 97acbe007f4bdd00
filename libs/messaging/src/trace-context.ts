import type { ConsumedMessage, OutgoingMessage, TopicMessages } from '@ecommerce/kafka';
import {
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
} from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { HEADER } from './envelope';

/**
 * The W3C `traceparent` of the active span, or `undefined` outside a traced operation or with
 * tracing off. What the outbox stores, so the trace continues when the relay publishes later.
 */
export function activeTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier[HEADER.traceparent];
}

/**
 * Runs `fn` in the trace of `traceparent` (stored with a row when it was written), or in no
 * trace at all: work done later for that row (an email sent, a retry) continues its trace,
 * and never the trace of whatever happened to start the worker.
 */
export function withTraceparent<T>(traceparent: string | null | undefined, fn: () => T): T {
  const carrier: Record<string, string> = traceparent ? { [HEADER.traceparent]: traceparent } : {};
  return context.with(propagation.extract(ROOT_CONTEXT, carrier), fn);
}

/**
 * Publishes `messages` with one PRODUCER span each (`publish <topic>`), child of the trace
 * context its outbox row stored, and that span's `traceparent` in its headers: the consumer's
 * span becomes its child, so one order stays one trace across the hop.
 *
 * The relay publishes rows of many requests in one `send`, so an instrumentation that parents
 * a send's spans on whatever context is active (the kafkajs one, if a fork adds it) cannot
 * tell them apart: tracing is switched off for the send itself (so nothing else touches these
 * headers). With tracing off, the messages go out with the `traceparent` their rows stored.
 */
export function publishTraced<T>(
  topic: string,
  messages: readonly OutgoingMessage[],
  send: (messages: OutgoingMessage[]) => Promise<T>,
): Promise<T> {
  return publishTracedBatch([{ topic, messages: [...messages] }], ([batch]) =>
    send(batch?.messages ?? []),
  );
}

/** {@link publishTraced} for several topics sent in one request (`KafkaProducer.sendBatch`). */
export async function publishTracedBatch<T>(
  batches: readonly TopicMessages[],
  send: (batches: TopicMessages[]) => Promise<T>,
): Promise<T> {
  const tracer = trace.getTracer('@ecommerce/messaging');
  const spans: Span[] = [];
  const traced = batches.map(({ topic, messages }) => ({
    topic,
    messages: messages.map((message) => {
      const headers = { ...message.headers };
      const parent = propagation.extract(ROOT_CONTEXT, headers);
      const span = tracer.startSpan(
        `publish ${topic}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.operation.type': 'send',
            'messaging.operation.name': 'publish',
            'messaging.destination.name': topic,
            'messaging.kafka.message.key': message.key,
            'messaging.message.id': headers[HEADER.id],
            'cloudevents.event_type': headers[HEADER.type],
          },
        },
        parent,
      );
      propagation.inject(trace.setSpan(parent, span), headers);
      spans.push(span);
      return { ...message, headers };
    }),
  }));
  try {
    return await context.with(suppressTracing(context.active()), () => send(traced));
  } catch (error) {
    for (const span of spans) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
    }
    throw error;
  } finally {
    for (const span of spans) span.end();
  }
}

/**
 * Runs `handle` for one consumed message inside a CONSUMER span (`process <topic>`), child of
 * the PRODUCER span whose `traceparent` the message carries: the other half of
 * {@link publishTracedBatch}, so one order stays one trace across every hop, and whatever the
 * handler does (its SQL, the `traceparent` its outbox rows store, its log lines) belongs to it.
 *
 * Made here rather than by the kafkajs instrumentation: messages are consumed a batch at a time
 * (`KafkaConsumer`), and for batches that instrumentation parents each message's span under
 * one `poll` span of a new trace, which would cut every order's trace at each Kafka hop.
 */
export async function consumeTraced<T>(
  message: ConsumedMessage,
  groupId: string,
  handle: () => Promise<T>,
): Promise<T> {
  const parent = propagation.extract(ROOT_CONTEXT, message.headers);
  const span = trace.getTracer('@ecommerce/messaging').startSpan(
    `process ${message.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': message.topic,
        'messaging.destination.partition.id': String(message.partition),
        'messaging.consumer.group.name': groupId,
        'messaging.kafka.offset': Number(message.offset),
        ...(message.key !== null ? { 'messaging.kafka.message.key': message.key } : {}),
        ...(message.headers[HEADER.id]
          ? { 'messaging.message.id': message.headers[HEADER.id] }
          : {}),
        ...(message.headers[HEADER.type]
          ? { 'cloudevents.event_type': message.headers[HEADER.type] }
          : {}),
      },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), handle);
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
    throw error;
  } finally {
    span.end();
  }
}
