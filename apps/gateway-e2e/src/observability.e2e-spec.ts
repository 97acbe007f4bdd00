import { type BackendName, metricValue, type ReceivedSpan, SPAN_KIND, waitFor } from '@ecommerce/testing';
import {
  api,
  clientSpan,
  type LogLine,
  logLinesWith,
  newCustomer,
  newProduct,
  notificationsFor,
  type Order,
  placeOrder,
  type Product,
  renderTrace,
  runsInBand,
  sagasQuiet,
  scrapeApp,
  type TestUser,
  traceProblems,
  waitForNotifications,
  waitForOrder,
  waitForTerminal,
  waitForTrace,
} from '@ecommerce/testing/e2e';

/**
 * Following one order through the platform (issue "observability"): its trace across gRPC and
 * Kafka in the stack's OTLP receiver, its trace id on the log lines written for it, and the
 * saga metrics that count it. The stack exports OTLP/JSON to the receiver and logs at info
 * (global-setup.ts).
 */

const describeLine = (line: LogLine) => line.raw.slice(0, 300);

describe('observability: one order through its trace, its logs and the saga metrics', () => {
  let customer: TestUser;
  let product: Product;

  beforeAll(async () => {
    [customer, product] = await Promise.all([newCustomer('observability'), newProduct(50)]);
  });

  describe('a confirmed order placed with a traceparent', () => {
    const client = clientSpan();
    let order: Order;

    beforeAll(async () => {
      const res = await api()
        .post('/api/v1/orders')
        .set(customer.auth)
        .set('traceparent', client.traceparent)
        .send({ items: [{ productId: product.id, quantity: 1 }], paymentMethod: 'pm_card_visa' });
      expect(res.status).toBe(202);
      order = await waitForOrder(customer, res.body.id, (o) => o.status !== 'PENDING', 'CONFIRMED');
      expect(order.status).toBe('CONFIRMED');
      await waitForNotifications(
        customer,
        (all) => notificationsFor(all, order.id).some((n) => n.type === 'ORDER_CONFIRMED'),
        'the ORDER_CONFIRMED notification',
      );
    });

    it("is one trace: spans from the gateway and every service, each parented in the trace, every Kafka hop a CONSUMER under another service's PRODUCER", async () => {
      const spans = await waitForTrace(
        client.traceId,
        (s) => traceProblems(s, client).length === 0,
      );
      const problems = traceProblems(spans, client);
      if (problems.length)
        throw new Error(
          `the trace of order ${order.id} is not whole:\n- ${problems.join('\n- ')}\n\n` +
            `${spans.length} span(s) of trace ${client.traceId}:\n${renderTrace(spans, client.spanId)}`,
        );
    });

    it("the gateway's server span is named by the route template, not the URL", async () => {
      const spans = await waitForTrace(client.traceId, (s) => s.some((span) => span.service === 'gateway'));
      const server = spans.find((span) => span.service === 'gateway' && span.parentSpanId === client.spanId);
      expect({ name: server?.name, kind: server?.kind, route: server?.attributes['http.route'] }).toEqual({
        name: 'POST /api/v1/orders',
        kind: SPAN_KIND.SERVER,
        route: '/api/v1/orders',
      });
    });

    it("has an order-service span tagged order.id: what the console's Jaeger link searches for", async () => {
      const tagged = (spans: ReceivedSpan[]) =>
        spans.filter((span) => span.service === 'order-service' && span.attributes['order.id'] === order.id);
      const spans = await waitForTrace(client.traceId, (s) => tagged(s).length > 0);
      expect(tagged(spans)).not.toHaveLength(0);
    });

    it('the lines every service of the saga wrote about it carry its trace id', async () => {
      const apps: BackendName[] = [
        'order-service',
        'inventory-service',
        'payment-service',
        'notification-service',
      ];
      // The lines are written as the saga runs; the file is read a moment later.
      await waitFor(
        'a log line about the order from each service',
        async () => apps.every((app) => logLinesWith(app, order.id).length > 0),
        5_000,
        200,
      ).catch(() => undefined);

      const problems: string[] = [];
      for (const app of apps) {
        const lines = logLinesWith(app, order.id);
        if (lines.length === 0) {
          const traced = logLinesWith(app, client.traceId).map(describeLine);
          problems.push(
            `${app} wrote no line mentioning order ${order.id}; ` +
              `${traced.length} line(s) carry its trace id${traced.length ? `: ${traced.join(' | ')}` : ''}`,
          );
        }
        for (const line of lines)
          if (line.fields?.['trace_id'] !== client.traceId)
            problems.push(
              `${app}: a line about the order without its trace id: ${describeLine(line)}`,
            );
      }
      expect(problems).toEqual([]);
    });

    it("the gateway's access-log line of the POST carries its trace id", () => {
      const access = logLinesWith('gateway', client.traceId).filter(({ fields }) => {
        const req = fields?.['req'] as { method?: string; url?: string } | undefined;
        return req?.method === 'POST' && req.url === '/api/v1/orders';
      });
      expect(access).toHaveLength(1);
      expect(access[0]?.fields).toMatchObject({
        trace_id: client.traceId,
        span_id: expect.stringMatching(/^[0-9a-f]{16}$/),
        res: { statusCode: 202 },
      });
    });
  });

  it('the saga metrics count one confirmed and one declined order; the gateway counts both POSTs by route', async () => {
    // Exact counts need this file alone (npm test runs files in band) and no saga of an
    // earlier file still finishing; otherwise other files' orders may add to the same
    // series meanwhile, and only "at least" holds.
    const exact = runsInBand() && (await sagasQuiet());
    const expectCount = (actual: number, expected: number) =>
      exact ? expect(actual).toBe(expected) : expect(actual).toBeGreaterThanOrEqual(expected);
    const [orderBefore, gatewayBefore] = await Promise.all([
      scrapeApp('order-service'),
      scrapeApp('gateway'),
    ]);

    const line = [{ productId: product.id, quantity: 1 }];
    const placed = await Promise.all([
      placeOrder(customer, line, 'pm_card_visa'),
      placeOrder(customer, line, 'pm_card_chargeDeclined'),
    ]);
    const [confirmed, declined] = await Promise.all(
      placed.map((o) => waitForTerminal(customer, o.id)),
    );
    expect(confirmed).toMatchObject({ status: 'CONFIRMED' });
    expect(declined).toMatchObject({ status: 'CANCELLED', cancellationReason: 'PAYMENT_DECLINED' });

    const outcomes = {
      confirmed: { status: 'CONFIRMED', reason: 'NONE' },
      declined: { status: 'CANCELLED', reason: 'PAYMENT_DECLINED' },
    };
    let orderAfter = '';
    const delta = (name: string, labels: Record<string, string> = {}) =>
      metricValue(orderAfter, name, labels) - metricValue(orderBefore, name, labels);
    // The counters move once the saga's final step commits, a moment after the API shows it.
    await waitFor(
      'the saga metrics to count both orders',
      async () => {
        orderAfter = await scrapeApp('order-service');
        return (
          delta('saga_outcomes_total', outcomes.confirmed) >= 1 &&
          delta('saga_outcomes_total', outcomes.declined) >= 1 &&
          delta('saga_duration_seconds_count') >= 2
        );
      },
      5_000,
      100,
    ).catch(() => undefined);

    expectCount(delta('saga_outcomes_total', outcomes.confirmed), 1);
    expectCount(delta('saga_outcomes_total', outcomes.declined), 1);
    expectCount(delta('saga_duration_seconds_count'), 2);
    expectCount(delta('saga_duration_seconds_count', { status: 'CONFIRMED' }), 1);
    expectCount(delta('saga_duration_seconds_count', { status: 'CANCELLED' }), 1);

    const gatewayAfter = await scrapeApp('gateway');
    const posts = { method: 'POST', route: '/api/v1/orders', status_code: '202' };
    expect(gatewayAfter).toMatch(/^# TYPE http_server_requests_total counter$/m);
    expectCount(
      metricValue(gatewayAfter, 'http_server_requests_total', posts) -
        metricValue(gatewayBefore, 'http_server_requests_total', posts),
      2,
    );
  });
});
