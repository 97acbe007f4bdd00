import { HealthImplementation, type ServingStatus } from 'grpc-health-check';

/**
 * The standard gRPC health checking protocol (grpc.health.v1.Health), as every backend
 * serves it. The empty service name is the whole server; each gRPC service is listed by
 * its fully-qualified name too, so `grpc_health_probe -service ecommerce.user.v1.UserService`
 * works as well as a plain probe.
 *
 * Everything starts NOT_SERVING: a service says SERVING only once its database (and
 * whatever else it needs) is reachable, and goes back to NOT_SERVING as shutdown begins,
 * so load balancers and the gateway stop sending work before the server closes.
 */
export class GrpcHealth {
  readonly implementation: HealthImplementation;
  private readonly services: string[];

  constructor(serviceNames: string[]) {
    this.services = ['', ...serviceNames];
    this.implementation = new HealthImplementation(
      Object.fromEntries(this.services.map((name) => [name, 'NOT_SERVING' as ServingStatus])),
    );
  }

  setServing(): void {
    this.setAll('SERVING');
  }

  setNotServing(): void {
    this.setAll('NOT_SERVING');
  }

  private setAll(status: ServingStatus): void {
    for (const name of this.services) this.implementation.setStatus(name, status);
  }
}
