import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { GrpcHealthClient, type HealthStatus } from '@ecommerce/grpc';
import { backendAddresses, GATEWAY_CONFIG, type GatewayConfig } from '../config';

export interface Readiness {
  ready: boolean;
  /** Each backend's status: SERVING while at least one of its replicas is. */
  services: Record<string, HealthStatus>;
  /** Each replica's status, in the order of the backend's configured addresses (never the addresses). */
  replicas: Record<string, HealthStatus[]>;
}

/**
 * Asks every backend's standard gRPC health service, at every address it has (one per
 * replica), all at once, each with a deadline. The gateway is ready while every backend has a
 * replica SERVING: its calls go round robin over the replicas that are up.
 */
@Injectable()
export class ReadinessService implements OnModuleDestroy {
  private readonly clients: Map<string, GrpcHealthClient[]>;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.clients = new Map(
      Object.entries(backendAddresses(config)).map(([name, addresses]) => [
        name,
        addresses.map((address) => new GrpcHealthClient(address)),
      ]),
    );
  }

  async check(): Promise<Readiness> {
    const entries = await Promise.all(
      [...this.clients].map(
        async ([name, clients]) =>
          [name, await Promise.all(clients.map((client) => client.check(this.config.HEALTH_CHECK_TIMEOUT_MS)))] as const,
      ),
    );
    const replicas = Object.fromEntries(entries);
    // Not serving: the first replica's status says why (UNREACHABLE, NOT_SERVING, ...).
    const services = Object.fromEntries(
      entries.map(([name, statuses]) => [name, statuses.includes('SERVING') ? 'SERVING' : (statuses[0] as HealthStatus)]),
    );
    return {
      ready: Object.values(services).every((status) => status === 'SERVING'),
      services,
      replicas,
    };
  }

  onModuleDestroy(): void {
    for (const clients of this.clients.values()) for (const client of clients) client.close();
  }
}
