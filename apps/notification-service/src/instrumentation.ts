// Imported first by main.ts: OpenTelemetry patches http, gRPC and pg as they are first
// required, so it has to be running before the app's own imports load them.
import { startTelemetry } from '@ecommerce/telemetry';

startTelemetry('notification-service');
