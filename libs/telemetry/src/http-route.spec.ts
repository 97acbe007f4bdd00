import { context, SpanKind, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType, setRPCMetadata } from '@opentelemetry/core';
import { setHttpRoute } from './http-route';
import { recordSpans, type SpanRecorder } from '@ecommerce/testing';

describe('setHttpRoute', () => {
  let recorder: SpanRecorder;
  beforeAll(() => (recorder = recordSpans()));
  afterAll(() => recorder.uninstall());

  it("sets the route on the request context's HTTP metadata, which the http instrumentation reads at the end", () => {
    const span = trace.getTracer('test').startSpan('GET', { kind: SpanKind.SERVER });
    const requestContext = setRPCMetadata(trace.setSpan(context.active(), span), { type: RPCType.HTTP, span });
    context.with(requestContext, () => setHttpRoute('/api/v1/orders/:id'));
    expect(getRPCMetadata(requestContext)).toMatchObject({ type: RPCType.HTTP, route: '/api/v1/orders/:id' });
    span.end();
  });

  it('does nothing outside an HTTP request', () => {
    expect(() => setHttpRoute('/api/v1/orders/:id')).not.toThrow();
    expect(getRPCMetadata(context.active())).toBeUndefined();
  });
});
