import { ConfigError, parseConfig } from '@ecommerce/config';
import { telemetrySchema } from './config';

describe('telemetry configuration', () => {
  it('accepts the standard values, all optional', () => {
    expect(parseConfig(telemetrySchema, {})).toEqual({});
    expect(
      parseConfig(telemetrySchema, {
        OTEL_SDK_DISABLED: 'false',
        OTEL_SERVICE_NAME: 'order-service-eu',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_TRACES_EXPORTER: 'otlp,console',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http, grpc,pg',
      }),
    ).toMatchObject({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'order-service-eu' });
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'http'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'jaeger:4318'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'ftp://jaeger:4318'],
    ['OTEL_TRACES_EXPORTER', 'otlp,jaeger'],
    ['OTEL_SDK_DISABLED', 'yes'],
    ['OTEL_TRACES_SAMPLER', 'sometimes'],
    ['OTEL_NODE_ENABLED_INSTRUMENTATIONS', 'http,prisma'],
  ])('refuses %s=%s, naming the variable', (variable, value) => {
    let error: unknown;
    try {
      parseConfig(telemetrySchema, { [variable]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual([variable]);
  });
});
