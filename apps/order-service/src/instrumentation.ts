// Imported first by main.ts: OpenTelemetry patches http, gRPC and pg as they are first
// required, so it has to be running before the app's own imports load them (config.ts loads
// only zod and @ecommerce/config).
import { startTelemetry } from '@ecommerce/telemetry';
import { SERVICE_NAME } from './config';

startTelemetry(SERVICE_NAME);
