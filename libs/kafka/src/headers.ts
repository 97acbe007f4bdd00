import { type IHeaders } from 'kafkajs';

/**
 * Kafka headers are bytes; the platform's (CloudEvents-style `ce_id`, `ce_type`, W3C `traceparent`)
 * are UTF-8 strings. These helpers convert at the edge so handlers only see strings.
 */

/** `{ name: 'value' }` → kafkajs headers; undefined values are left out. */
export function toKafkaHeaders(headers: Readonly<Record<string, string | undefined>>): IHeaders {
  const out: IHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Buffer.from(value, 'utf8');
  }
  return out;
}

/**
 * kafkajs headers → `{ name: 'value' }`. A header sent more than once arrives as an array;
 * the last value wins, as with the Java client's `lastHeader`.
 */
export function fromKafkaHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(headers ?? {})) {
    const value = readHeader(headers, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** One header as a string, or undefined when absent. */
export function readHeader(headers: IHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.toString('utf8');
}
