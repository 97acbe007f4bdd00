import { randomBytes } from 'node:crypto';
import { waitFor } from '../stack/processes';
import type { ReceivedSpan } from '../telemetry/otlp-receiver';
import { stack } from './api';

/** A client's own span, as a W3C `traceparent` header carries it to the gateway. */
export interface ClientSpan {
  traceId: string;
  spanId: string;
  traceparent: string;
}

/** A new trace id and span id of the test's own, sampled. */
export function clientSpan(): ClientSpan {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/** Every span the stack's OTLP receiver has of `traceId` so far. */
export async function spansOf(traceId: string): Promise<ReceivedSpan[]> {
  const url = stack.state.tracesUrl;
  if (!url)
    throw new Error('the e2e stack runs no OTLP receiver (apps/gateway-e2e/src/global-setup.ts records its tracesUrl)');
  const res = await fetch(`${url}?traceId=${traceId}`);
  if (!res.ok) throw new Error(`the OTLP receiver answered ${res.status}`);
  return (await res.json()) as ReceivedSpan[];
}

/**
 * Polls the receiver until the trace satisfies `done` and has stopped growing (apps export in
 * batches, a parent often after its children); after `timeoutMs`, whatever it holds then, so
 * the caller's assertions can say what is missing.
 */
export async function waitForTrace(
  traceId: string,
  done: (spans: ReceivedSpan[]) => boolean,
  timeoutMs = 15_000,
): Promise<ReceivedSpan[]> {
  let spans: ReceivedSpan[] = [];
  let previousCount = -1;
  await waitFor(
    `trace ${traceId}`,
    async () => {
      spans = await spansOf(traceId);
      const settled = spans.length === previousCount && done(spans);
      previousCount = spans.length;
      return settled;
    },
    timeoutMs,
    250,
  ).catch(() => undefined);
  return spans;
}
