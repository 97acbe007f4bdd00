import type { Options } from '@grpc/proto-loader';

/**
 * proto-loader options shared by every gRPC server and client. They must match the
 * ts-proto options the contracts were generated with (`forceLong=number`), or int64 cents
 * would arrive as strings or Long objects.
 */
export const PROTO_LOADER_OPTIONS: Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};
