import { parseConfig } from '@ecommerce/config';
import { telemetrySchema } from './config';
import { DEFAULT_INSTRUMENTATIONS, instrumentations } from './instrumentations';
import { enabledInstrumentations, exportsSpans } from './sdk';

const config = (env: Record<string, string>) => parseConfig(telemetrySchema, env);

describe('exportsSpans', () => {
  it('is false with nothing configured: no exporter posting to a localhost:4318 nobody listens on', () => {
    expect(exportsSpans(config({}), {})).toBe(false);
    expect(exportsSpans(config({ OTEL_TRACES_EXPORTER: 'none' }), {})).toBe(false);
  });

  it('is true once an endpoint or an exporter is named', () => {
    expect(exportsSpans(config({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' }), {})).toBe(true);
    expect(exportsSpans(config({}), { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://jaeger:4318/v1/traces' })).toBe(true);
    expect(exportsSpans(config({ OTEL_TRACES_EXPORTER: 'console' }), {})).toBe(true);
    expect(exportsSpans(config({ OTEL_TRACES_EXPORTER: 'otlp' }), {})).toBe(true);
  });

  it('an explicit exporter list wins over an endpoint', () => {
    expect(exportsSpans(config({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' }), {})).toBe(false);
  });
});

describe('enabledInstrumentations', () => {
  it('defaults to what carries the trace between processes: no span per SQL statement or controller', () => {
    expect(enabledInstrumentations(config({}))).toEqual(['http', 'grpc']);
    expect(instrumentations(DEFAULT_INSTRUMENTATIONS).map((i) => i.instrumentationName)).toEqual([
      '@opentelemetry/instrumentation-http',
      '@opentelemetry/instrumentation-grpc',
    ]);
  });

  it('still accepts `express` from an older configuration, and loads nothing for it', () => {
    const names = enabledInstrumentations(config({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,express,grpc' }));
    expect(names).toEqual(['http', 'express', 'grpc']);
    expect(instrumentations(names).map((i) => i.instrumentationName)).toEqual([
      '@opentelemetry/instrumentation-http',
      '@opentelemetry/instrumentation-grpc',
    ]);
  });

  it('takes the list from OTEL_NODE_ENABLED_INSTRUMENTATIONS, once each', () => {
    expect(enabledInstrumentations(config({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,grpc, ioredis,pg,pg' }))).toEqual([
      'http',
      'grpc',
      'ioredis',
      'pg',
    ]);
  });
});
