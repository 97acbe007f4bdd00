/**
 * Matches a W3C `traceparent` in the same trace as `parent` with a span id of its own: what a
 * message carries after a traced hop (the service's spans sit between the two).
 */
export function continuedTrace(parent: string): RegExp {
  const [, traceId, spanId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/.exec(parent) ?? [];
  if (!traceId) throw new Error(`not a W3C traceparent: ${parent}`);
  return new RegExp(`^00-${traceId}-(?!${spanId})[0-9a-f]{16}-01$`);
}
