/**
 * The message envelope: CloudEvents-style Kafka headers (binary content mode, `ce_` prefix as
 * in the CloudEvents Kafka binding) around a protobuf payload, plus W3C `traceparent`.
 */

export const HEADER = {
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  time: 'ce_time',
  subject: 'ce_subject',
  specversion: 'ce_specversion',
  contentType: 'content-type',
  traceparent: 'traceparent',
} as const;

export const CE_SPEC_VERSION = '1.0';
export const PROTOBUF_CONTENT_TYPE = 'application/protobuf';

export interface EnvelopeFields {
  /** Unique per message; consumers deduplicate on it. The outbox row id. */
  id: string;
  /** Fully-qualified proto message name, e.g. `ecommerce.order.v1.OrderConfirmed`. */
  type: string;
  /** The service that produced it, e.g. `order-service`. */
  source: string;
  time: Date;
  /** What the message is about: the order id. */
  subject?: string;
  /** W3C trace context of the transaction that wrote the message. */
  traceparent?: string;
}

/** The headers a message is published with. */
export function envelopeHeaders(fields: EnvelopeFields): Record<string, string> {
  return {
    [HEADER.id]: fields.id,
    [HEADER.type]: fields.type,
    [HEADER.source]: fields.source,
    [HEADER.time]: fields.time.toISOString(),
    ...(fields.subject !== undefined ? { [HEADER.subject]: fields.subject } : {}),
    [HEADER.specversion]: CE_SPEC_VERSION,
    [HEADER.contentType]: PROTOBUF_CONTENT_TYPE,
    ...(fields.traceparent !== undefined ? { [HEADER.traceparent]: fields.traceparent } : {}),
  };
}

/** An envelope as read from a consumed message: only id and type are required. */
export interface ReceivedEnvelope {
  id: string;
  type: string;
  source?: string;
  time?: string;
  subject?: string;
  traceparent?: string;
}

/**
 * A message that can never be handled however often it is retried (no id, no type, a payload
 * that does not decode). The consumer sends it to the dead-letter topic at once. A handler may
 * throw it too, when it knows a retry cannot help.
 */
export class PoisonMessageError extends Error {
  readonly code = 'POISON_MESSAGE';
  override readonly name = 'PoisonMessageError';
}

/** By code, not `instanceof`: it still works when two copies of this module are loaded. */
export function isPoisonMessageError(error: unknown): error is PoisonMessageError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === 'POISON_MESSAGE'
  );
}

/** Reads the envelope; throws {@link PoisonMessageError} without `ce_id` or `ce_type`. */
export function readEnvelope(headers: Readonly<Record<string, string>>): ReceivedEnvelope {
  const id = headers[HEADER.id];
  const type = headers[HEADER.type];
  if (!id) throw new PoisonMessageError(`no ${HEADER.id} header: it cannot be deduplicated`);
  if (!type) throw new PoisonMessageError(`no ${HEADER.type} header: it cannot be routed`);
  const optional = (name: string) => (headers[name] ? headers[name] : undefined);
  return {
    id,
    type,
    source: optional(HEADER.source),
    time: optional(HEADER.time),
    subject: optional(HEADER.subject),
    traceparent: optional(HEADER.traceparent),
  };
}
