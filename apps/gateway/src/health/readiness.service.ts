import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { GrpcHealthClient, type HealthStatus } from '@ecommerce/grpc';
import { backendAddresses, GATEWAY_CONFIG, type GatewayConfig } from '../config';

export interface Readiness {
  ready: boolean;
  services: Record<string, HealthStatus>;
}

/** Asks every backend's standard gRPC health service, all at once, each with a deadline. */
@Injectable()
export class ReadinessService implements OnModuleDestroy {
  private readonly clients: Map<string, GrpcHealthClient>;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.clients = new Map(
      Object.entries(backendAddresses(config)).map(([name, address]) => [name, new GrpcHealthClient(address)]),
    );
  }

  async check(): Promise<Readiness> {
    const entries = await Promise.all(
      [...this.clients].map(
        async ([name, client]) => [name, await client.check(this.config.HEALTH_CHECK_TIMEOUT_MS)] as const,
      ),
    );
    const services = Object.fromEntries(entries);
    return { ready: entries.every(([, status]) => status === 'SERVING'), services };
  }

  onModuleDestroy(): void {
    for (const client of this.clients.values()) client.close();
  }
}
