import { randomBytes } from 'node:crypto';
import { type ReceivedSpan, SPAN_KIND, waitFor } from '@ecommerce/testing';
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
    throw new Error('the e2e stack runs no OTLP receiver (global-setup.ts records its tracesUrl)');
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

const KIND_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(SPAN_KIND).map(([name, value]) => [value, name]),
);

/**
 * The trace as an indented tree, one line per span (`service KIND name`), siblings with the
 * same service, kind and name and no children folded into one line (`×3`), and spans whose
 * parent is not in the trace listed apart: a broken hop shows as a second tree.
 */
export function renderTrace(spans: ReceivedSpan[], rootParentId: string): string {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, ReceivedSpan[]>();
  for (const span of spans) {
    const parent = span.parentSpanId ?? '';
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const byStart = (a: ReceivedSpan, b: ReceivedSpan) =>
    a.startTimeUnixNano.localeCompare(b.startTimeUnixNano);
  const lines: string[] = [];
  const render = (parentId: string, depth: number) => {
    const kids = [...(children.get(parentId) ?? [])].sort(byStart);
    const folded = new Map<string, number>();
    for (const span of kids) {
      const label = `${span.service} ${KIND_NAMES[span.kind] ?? span.kind} ${span.name}`;
      if (children.has(span.spanId)) {
        lines.push(`${'  '.repeat(depth)}${label}`);
        render(span.spanId, depth + 1);
      } else {
        folded.set(label, (folded.get(label) ?? 0) + 1);
      }
    }
    for (const [label, count] of folded)
      lines.push(`${'  '.repeat(depth)}${label}${count > 1 ? ` ×${count}` : ''}`);
  };
  lines.push(`client ${rootParentId}`);
  render(rootParentId, 1);
  const orphanParents = [...children.keys()].filter((id) => id !== rootParentId && !ids.has(id));
  for (const parentId of orphanParents) {
    lines.push(`orphans under missing parent ${parentId || '(none: a root span)'}:`);
    render(parentId, 1);
  }
  return lines.join('\n');
}
