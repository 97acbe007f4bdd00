import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';

export type HealthStatus = 'SERVING' | 'NOT_SERVING' | 'UNKNOWN' | 'SERVICE_UNKNOWN' | 'UNREACHABLE';

interface HealthCheckResponse {
  status: Exclude<HealthStatus, 'UNREACHABLE'>;
}
interface HealthStub extends grpc.Client {
  check(
    request: { service: string },
    options: grpc.CallOptions,
    callback: (error: grpc.ServiceError | null, response?: HealthCheckResponse) => void,
  ): grpc.ClientUnaryCall;
}
type HealthStubConstructor = new (address: string, credentials: grpc.ChannelCredentials) => HealthStub;

let stubConstructor: HealthStubConstructor | undefined;
function healthStubConstructor(): HealthStubConstructor {
  if (!stubConstructor) {
    const definition = protoLoader.loadSync(healthProtoPath, { enums: String, defaults: true });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as {
      grpc: { health: { v1: { Health: HealthStubConstructor } } };
    };
    stubConstructor = loaded.grpc.health.v1.Health;
  }
  return stubConstructor;
}

/**
 * A client of the standard gRPC health service for one backend. The channel is kept and
 * reused (gRPC reconnects by itself); every check has a deadline, so a dead or hung backend
 * answers `UNREACHABLE` in at most `timeoutMs` instead of hanging the caller.
 */
export class GrpcHealthClient {
  private readonly stub: HealthStub;

  constructor(readonly address: string) {
    const Health = healthStubConstructor();
    this.stub = new Health(address, grpc.credentials.createInsecure());
  }

  check(timeoutMs: number, service = ''): Promise<HealthStatus> {
    return new Promise((resolve) => {
      this.stub.check({ service }, { deadline: Date.now() + timeoutMs }, (error, response) => {
        if (error?.code === grpc.status.NOT_FOUND) resolve('SERVICE_UNKNOWN');
        else resolve(error || !response ? 'UNREACHABLE' : response.status);
      });
    });
  }

  close(): void {
    this.stub.close();
  }
}
