/**
 * Fixed-concurrency HTTP load with autocannon: N keep-alive connections each send the next
 * request as soon as the previous one answered (a closed loop, right for "how many requests per
 * second can it serve", unlike the saga's open model). The same client measures the raw node
 * server and the gateway, so their ratio compares servers, not clients.
 */
import autocannon from 'autocannon';
import type { HttpResult } from './results';

/** Runs a short discarded warm-up, then the measured load. */
export async function measureThroughput(
  name: string,
  url: string,
  options: { connections: number; seconds: number; warmupSeconds: number },
): Promise<HttpResult> {
  if (options.warmupSeconds > 0)
    await autocannon({ url, connections: options.connections, duration: options.warmupSeconds });
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
  });
  return {
    name,
    reqPerSec: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
