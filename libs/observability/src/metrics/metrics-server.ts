import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsServerOptions {
  registry: Registry;
  host: string;
  /** 0 picks a free port (tests); read it back from {@link MetricsServer.port}. */
  port: number;
  logger?: { log(message: string): void };
}

/**
 * A backend's Prometheus endpoint: `GET /metrics` on its own port, and nothing else (404).
 * Plain node:http, apart from the gRPC server, so a scrape never queues behind gRPC work and
 * the port can stay private to the network Prometheus scrapes from.
 */
export class MetricsServer {
  private readonly server: Server;

  constructor(private readonly options: MetricsServerOptions) {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not Found\n');
        return;
      }
      options.registry.metrics().then(
        (body) => res.writeHead(200, { 'Content-Type': options.registry.contentType }).end(body),
        (error: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${String(error)}\n`),
      );
    });
  }

  /** The port it listens on (the chosen one when started on 0). */
  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? this.options.port;
  }

  /** Rejects when the port cannot be bound (taken, not allowed): a misconfiguration stops the boot. */
  async start(): Promise<void> {
    const { host, port } = this.options;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.options.logger?.log(`metrics on http://${host}:${this.port}/metrics`);
  }

  async stop(): Promise<void> {
    if (!this.server.listening) return;
    await new Promise<void>((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      // A scraper's keep-alive connection would hold close() open until it times out.
      this.server.closeIdleConnections();
    });
  }
}
