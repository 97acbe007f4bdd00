'use strict';
/**
 * Health check of the gateway container: GET /health/live (the process is up and its event
 * loop answers; backends are /health/ready's business) and exit 0 only on a 2xx within the
 * deadline.
 *
 *   node deploy/docker/http-health-probe.js [url]
 *
 * Default URL: http://127.0.0.1:$GATEWAY_PORT/health/live (GATEWAY_PORT defaults to 3000, as
 * in apps/gateway/src/config.ts). Node's own fetch: no dependency at all.
 */
const DEADLINE_MS = 3000;

const url = process.argv[2] || `http://127.0.0.1:${process.env.GATEWAY_PORT || '3000'}/health/live`;

fetch(url, { signal: AbortSignal.timeout(DEADLINE_MS) }).then(
  (response) => {
    process.stdout.write(`${url}: ${response.status}\n`);
    process.exit(response.ok ? 0 : 1);
  },
  (error) => {
    process.stderr.write(`http-health-probe: ${url}: ${error.cause?.message ?? error.message}\n`);
    process.exit(1);
  },
);
