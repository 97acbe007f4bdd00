import { z } from 'zod';

const OTLP_PROTOCOLS = ['grpc', 'http/protobuf', 'http/json'] as const;
const TRACES_EXPORTERS = ['otlp', 'console', 'none'] as const;

/** What OTEL_NODE_ENABLED_INSTRUMENTATIONS can name (see instrumentations.ts). */
export const INSTRUMENTATION_NAMES = ['http', 'express', 'nestjs-core', 'grpc', 'pg', 'ioredis'] as const;
export type InstrumentationName = (typeof INSTRUMENTATION_NAMES)[number];

/**
 * The standard OpenTelemetry variables this platform documents, checked before the SDK reads
 * them: the SDK itself only logs a warning for a bad value and then exports nowhere, which is
 * how traces silently go missing. Unset means the SDK's default (OTLP over http/protobuf to
 * http://localhost:4318).
 */
export const telemetryEnv = {
  OTEL_SDK_DISABLED: z
    .enum(['true', 'false'])
    .optional()
    .describe('true turns tracing off in this process'),
  OTEL_SERVICE_NAME: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe('service.name on every span; defaults to the app name, e.g. order-service'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('where spans go, e.g. http://jaeger:4318 (http/*) or http://jaeger:4317 (grpc)'),
  OTEL_EXPORTER_OTLP_PROTOCOL: z
    .enum(OTLP_PROTOCOLS)
    .optional()
    .describe(`OTLP transport: ${OTLP_PROTOCOLS.join(', ')}`),
  OTEL_TRACES_EXPORTER: z
    .string()
    .trim()
    .refine(
      (value) => value.split(',').every((name) => (TRACES_EXPORTERS as readonly string[]).includes(name.trim())),
      { message: `expected a comma-separated list of ${TRACES_EXPORTERS.join(', ')}` },
    )
    .optional()
    .describe('span exporters: otlp, console or none'),
  OTEL_TRACES_SAMPLER: z
    .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'])
    .optional()
    .describe('which traces are recorded (with OTEL_TRACES_SAMPLER_ARG for the ratio ones); default parentbased_always_on'),
  OTEL_NODE_ENABLED_INSTRUMENTATIONS: z
    .string()
    .trim()
    .refine(
      (value) => value.split(',').every((name) => (INSTRUMENTATION_NAMES as readonly string[]).includes(name.trim())),
      { message: `expected a comma-separated list of ${INSTRUMENTATION_NAMES.join(', ')}` },
    )
    .optional()
    .describe('the instrumentations to run, e.g. http,grpc,pg; default http,grpc (express is accepted and loads nothing)'),
};

export const telemetrySchema = z.object(telemetryEnv);
export type TelemetryConfig = z.output<typeof telemetrySchema>;
