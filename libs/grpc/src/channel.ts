import type { ChannelOptions } from '@grpc/grpc-js';

/**
 * Round robin over every address the target resolves to: the replicas of a list, or every
 * address a DNS name has (a Kubernetes headless Service). gRPC's default, pick_first, would
 * send every call to one of them.
 */
const ROUND_ROBIN = JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] });

export interface GrpcChannel {
  /** The target grpc-js resolves: `host:port`, or `ipv4:a:p,b:p` for a list of replicas. */
  target: string;
  options: ChannelOptions;
}

/**
 * The channel to a service that runs as one or several replicas: `addresses` is one
 * `host:port`, or one `ip:port` per replica (as `grpcAddresses` of @ecommerce/config parses
 * them). Calls go round robin over the replicas that are up; one that is down is skipped
 * once its connection has failed, and used again once it is back.
 */
export function grpcChannel(addresses: string | readonly string[]): GrpcChannel {
  const list = typeof addresses === 'string' ? [addresses] : addresses;
  if (list.length === 0) throw new Error('grpcChannel: no address');
  const options = { 'grpc.service_config': ROUND_ROBIN };
  if (list.length === 1) return { target: list[0] as string, options };
  const scheme = list.every((address) => address.startsWith('[')) ? 'ipv6' : 'ipv4';
  return { target: `${scheme}:${list.join(',')}`, options };
}
