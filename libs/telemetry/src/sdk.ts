import { loadConfigOrExit } from '@ecommerce/config';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import { type InstrumentationName, type TelemetryConfig, telemetrySchema } from './config';
import { DEFAULT_INSTRUMENTATIONS, instrumentations } from './instrumentations';

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry tracing for this process, configured by the standard `OTEL_*`
 * variables (checked first: a bad value stops the process with a clear message).
 * `service.name` is `OTEL_SERVICE_NAME`, else `service`.
 *
 * Call it before anything else is imported: each app's `src/instrumentation.ts` does, and is
 * the first import of its `main.ts`. Metrics are Prometheus's job (prom-client) and logs go
 * to stdout as JSON, so only traces are exported.
 *
 * With nowhere to export to (see {@link exportsSpans}) the trace context still travels and every
 * log line still carries its trace id, but the traces this process starts are not recorded
 * (`parentbased_always_off`): recording spans nobody will read costs CPU on every request and
 * message, and an OTLP exporter with no receiver retries each batch.
 */
export function startTelemetry(service: string, env: NodeJS.ProcessEnv = process.env): void {
  const config = loadConfigOrExit(service, telemetrySchema, env);
  if (sdk || config.OTEL_SDK_DISABLED === 'true') return;
  const unexported = exportsSpans(config, env)
    ? {}
    : {
        spanProcessors: [new tracing.NoopSpanProcessor()],
        // A trace this process would start is not recorded; one a caller marked sampled is,
        // so its decision travels on unchanged to whoever does export.
        ...(config.OTEL_TRACES_SAMPLER
          ? {}
          : { sampler: new tracing.ParentBasedSampler({ root: new tracing.AlwaysOffSampler() }) }),
      };
  sdk = new NodeSDK({
    serviceName: config.OTEL_SERVICE_NAME ?? service,
    instrumentations: instrumentations(enabledInstrumentations(config)),
    metricReaders: [],
    logRecordProcessors: [],
    ...unexported,
  });
  sdk.start();
}

/**
 * Whether spans go anywhere: an exporter named in OTEL_TRACES_EXPORTER (other than `none`), or
 * an OTLP endpoint given. Unset, the SDK would export OTLP to http://localhost:4318 whether or
 * not anything listens there; here, nothing is exported then.
 */
export function exportsSpans(config: TelemetryConfig, env: NodeJS.ProcessEnv = process.env): boolean {
  if (config.OTEL_TRACES_EXPORTER !== undefined) {
    return config.OTEL_TRACES_EXPORTER.split(',').some((name) => name.trim() !== 'none');
  }
  return Boolean(config.OTEL_EXPORTER_OTLP_ENDPOINT || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);
}

/** OTEL_NODE_ENABLED_INSTRUMENTATIONS, else the defaults. */
export function enabledInstrumentations(config: TelemetryConfig): readonly InstrumentationName[] {
  const listed = config.OTEL_NODE_ENABLED_INSTRUMENTATIONS?.split(',').map((name) => name.trim() as InstrumentationName);
  return listed?.length ? [...new Set(listed)] : DEFAULT_INSTRUMENTATIONS;
}

/** Exports the spans still buffered, then stops tracing. The last step of a graceful shutdown. */
export async function shutdownTelemetry(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}
