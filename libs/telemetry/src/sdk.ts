import { loadConfigOrExit } from '@ecommerce/config';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { telemetrySchema } from './config';
import { instrumentations } from './instrumentations';

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry tracing for this process, configured by the standard `OTEL_*`
 * variables (checked first: a bad value stops the process with a clear message).
 * `service.name` is `OTEL_SERVICE_NAME`, else `service`.
 *
 * Call it before anything else is imported: each app's `src/instrumentation.ts` does, and is
 * the first import of its `main.ts`. Metrics are Prometheus's job (prom-client) and logs go
 * to stdout as JSON, so only traces are exported.
 */
export function startTelemetry(service: string, env: NodeJS.ProcessEnv = process.env): void {
  const config = loadConfigOrExit(service, telemetrySchema, env);
  if (sdk || config.OTEL_SDK_DISABLED === 'true') return;
  sdk = new NodeSDK({
    serviceName: config.OTEL_SERVICE_NAME ?? service,
    instrumentations: instrumentations(),
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
}

/** Exports the spans still buffered, then stops tracing. The last step of a graceful shutdown. */
export async function shutdownTelemetry(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}
