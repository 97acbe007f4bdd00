import { type ReceivedSpan, SPAN_KIND } from '../telemetry/otlp-receiver';
import { renderTrace, traceProblems } from './trace-checks';

const client = { spanId: 'c0c0c0c0c0c0c0c0' };

let next = 0;
function span(
  service: string,
  kind: number,
  name: string,
  parent: ReceivedSpan | { spanId: string } | undefined,
): ReceivedSpan {
  next += 1;
  return {
    traceId: 'a'.repeat(32),
    spanId: next.toString(16).padStart(16, '0'),
    ...(parent ? { parentSpanId: parent.spanId } : {}),
    name,
    kind,
    service,
    attributes: {},
    startTimeUnixNano: String(1_000_000 + next),
    endTimeUnixNano: String(2_000_000 + next),
  };
}

/** One confirmed order as the platform traces it: gRPC in, then every Kafka hop. */
function wholeTrace(): Record<string, ReceivedSpan> {
  const gateway = span('gateway', SPAN_KIND.SERVER, 'POST /api/v1/orders', client);
  const grpc = span('gateway', SPAN_KIND.CLIENT, 'OrderService/CreateOrder', gateway);
  const create = span('order-service', SPAN_KIND.SERVER, 'OrderService/CreateOrder', grpc);
  const reserve = span('order-service', SPAN_KIND.PRODUCER, 'publish inventory.commands', create);
  const reserving = span(
    'inventory-service',
    SPAN_KIND.CONSUMER,
    'process inventory.commands',
    reserve,
  );
  const reserved = span(
    'inventory-service',
    SPAN_KIND.PRODUCER,
    'publish inventory.events',
    reserving,
  );
  const onReserved = span(
    'order-service',
    SPAN_KIND.CONSUMER,
    'process inventory.events',
    reserved,
  );
  const capture = span('order-service', SPAN_KIND.PRODUCER, 'publish payment.commands', onReserved);
  const capturing = span(
    'payment-service',
    SPAN_KIND.CONSUMER,
    'process payment.commands',
    capture,
  );
  const captured = span('payment-service', SPAN_KIND.PRODUCER, 'publish payment.events', capturing);
  const onCaptured = span('order-service', SPAN_KIND.CONSUMER, 'process payment.events', captured);
  const confirmed = span('order-service', SPAN_KIND.PRODUCER, 'publish order.events', onCaptured);
  const notify = span(
    'notification-service',
    SPAN_KIND.CONSUMER,
    'process order.events',
    confirmed,
  );
  const queries = [1, 2, 3].map(() =>
    span('order-service', SPAN_KIND.CLIENT, 'pg.query:SELECT', create),
  );
  return {
    gateway,
    grpc,
    create,
    reserve,
    reserving,
    reserved,
    onReserved,
    capture,
    capturing,
    captured,
    onCaptured,
    confirmed,
    notify,
    ...Object.fromEntries(queries.map((query, i) => [`query${i}`, query])),
  };
}

const spansOf = (trace: Record<string, ReceivedSpan>) => Object.values(trace);

describe('traceProblems and renderTrace', () => {
  it('find nothing wrong with a whole trace, and draw it as a tree with repeated leaves folded', () => {
    const trace = wholeTrace();
    expect(traceProblems(spansOf(trace), client)).toEqual([]);
    expect(renderTrace(spansOf(trace), client.spanId)).toBe(
      [
        `client ${client.spanId}`,
        '  gateway SERVER POST /api/v1/orders',
        '    gateway CLIENT OrderService/CreateOrder',
        '      order-service SERVER OrderService/CreateOrder',
        '        order-service PRODUCER publish inventory.commands',
        '          inventory-service CONSUMER process inventory.commands',
        '            inventory-service PRODUCER publish inventory.events',
        '              order-service CONSUMER process inventory.events',
        '                order-service PRODUCER publish payment.commands',
        '                  payment-service CONSUMER process payment.commands',
        '                    payment-service PRODUCER publish payment.events',
        '                      order-service CONSUMER process payment.events',
        '                        order-service PRODUCER publish order.events',
        '                          notification-service CONSUMER process order.events',
        '        order-service CLIENT pg.query:SELECT ×3',
      ].join('\n'),
    );
  });

  it('name a Kafka hop whose parent never arrived, and draw that part of the trace apart', () => {
    const trace = wholeTrace();
    const lost = { spanId: 'dead00000000beef' };
    trace['capturing'] = { ...(trace['capturing'] as ReceivedSpan), parentSpanId: lost.spanId };
    const problems = traceProblems(spansOf(trace), client);
    expect(problems).toEqual([
      `orphan: payment-service "process payment.commands" has parent ${lost.spanId}, not in the trace`,
    ]);
    expect(renderTrace(spansOf(trace), client.spanId)).toMatch(
      new RegExp(
        `orphans under missing parent ${lost.spanId}:\\n  payment-service CONSUMER process payment.commands\\n    payment-service PRODUCER`,
      ),
    );
  });

  it("refuse a CONSUMER span that is not the child of another service's PRODUCER span", () => {
    const trace = wholeTrace();
    // The relay sent without the stored context: the consumer continues the order's gRPC span.
    trace['reserving'] = {
      ...(trace['reserving'] as ReceivedSpan),
      parentSpanId: trace['create']?.spanId as string,
    };
    // A consumer under its own service's producer: the hop was not across Kafka at all.
    trace['onReserved'] = {
      ...(trace['onReserved'] as ReceivedSpan),
      parentSpanId: trace['reserve']?.spanId as string,
    };
    expect(traceProblems(spansOf(trace), client)).toEqual([
      'inventory-service CONSUMER "process inventory.commands" is a child of order-service kind 2 "OrderService/CreateOrder", not of another service\'s PRODUCER span',
      'order-service CONSUMER "process inventory.events" is a child of order-service kind 4 "publish inventory.commands", not of another service\'s PRODUCER span',
    ]);
  });

  it('name the services with no span or no CONSUMER span, and a gateway that did not continue the traceparent', () => {
    const { notify: _notify, ...trace } = wholeTrace();
    trace['gateway'] = { ...(trace['gateway'] as ReceivedSpan) };
    delete trace['gateway'].parentSpanId;
    expect(traceProblems(spansOf(trace), client)).toEqual([
      'no span from notification-service',
      `no gateway span continues the client's traceparent (parent ${client.spanId})`,
      'orphan: gateway "POST /api/v1/orders" has parent none, not in the trace',
      'no CONSUMER span in notification-service',
    ]);
    expect(renderTrace(spansOf(trace), client.spanId)).toMatch(
      /orphans under missing parent \(none: a root span\):\n {2}gateway SERVER/,
    );
  });
});
