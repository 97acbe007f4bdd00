import { type ReceivedSpan, SPAN_KIND } from '../telemetry/otlp-receiver';

/**
 * What a whole trace of one order looks like, and the trace drawn as a tree: pure functions of
 * the spans, so they can be tested without a stack (trace-checks.spec.ts).
 */

export const TRACED_SERVICES = [
  'gateway',
  'order-service',
  'inventory-service',
  'payment-service',
  'notification-service',
];
export const CONSUMING_SERVICES = [
  'inventory-service',
  'payment-service',
  'order-service',
  'notification-service',
];

/** What is wrong with the order's trace, one line each; empty when it is whole. */
export function traceProblems(spans: ReceivedSpan[], client: { spanId: string }): string[] {
  const problems: string[] = [];
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const services = new Set(spans.map((span) => span.service));
  for (const service of TRACED_SERVICES)
    if (!services.has(service)) problems.push(`no span from ${service}`);
  if (!spans.some((s) => s.parentSpanId === client.spanId && s.service === 'gateway'))
    problems.push(`no gateway span continues the client's traceparent (parent ${client.spanId})`);
  for (const span of spans) {
    const parent = span.parentSpanId;
    if (parent !== client.spanId && !(parent && byId.has(parent)))
      problems.push(
        `orphan: ${span.service} "${span.name}" has parent ${parent ?? 'none'}, not in the trace`,
      );
  }
  const consumers = spans.filter((span) => span.kind === SPAN_KIND.CONSUMER);
  for (const service of CONSUMING_SERVICES)
    if (!consumers.some((span) => span.service === service))
      problems.push(`no CONSUMER span in ${service}`);
  for (const consumer of consumers) {
    const parent = byId.get(consumer.parentSpanId ?? '');
    if (parent && (parent.kind !== SPAN_KIND.PRODUCER || parent.service === consumer.service))
      problems.push(
        `${consumer.service} CONSUMER "${consumer.name}" is a child of ${parent.service} ` +
          `kind ${parent.kind} "${parent.name}", not of another service's PRODUCER span`,
      );
  }
  return problems;
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
