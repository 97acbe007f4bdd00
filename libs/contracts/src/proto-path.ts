import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Options } from '@grpc/proto-loader';
import {
  DEAD_LETTER_SERVICE_NAME,
  ECOMMERCE_DEADLETTERS_V1_PACKAGE_NAME,
} from './gen/ecommerce/deadletters/v1/dead_letter_service';
import {
  ECOMMERCE_INVENTORY_V1_PACKAGE_NAME,
  INVENTORY_SERVICE_NAME,
} from './gen/ecommerce/inventory/v1/inventory_service';
import {
  ECOMMERCE_NOTIFICATION_V1_PACKAGE_NAME,
  NOTIFICATION_SERVICE_NAME,
} from './gen/ecommerce/notification/v1/notification_service';
import {
  ECOMMERCE_ORDER_V1_PACKAGE_NAME,
  ORDER_SERVICE_NAME,
} from './gen/ecommerce/order/v1/order_service';
import {
  ECOMMERCE_PAYMENT_V1_PACKAGE_NAME,
  PAYMENT_SERVICE_NAME,
} from './gen/ecommerce/payment/v1/payment_service';
import {
  ECOMMERCE_USER_V1_PACKAGE_NAME,
  USER_SERVICE_NAME,
} from './gen/ecommerce/user/v1/user_service';

/** Environment variable that, when set, names the proto root directory (the folder holding `buf.yaml`). */
export const PROTO_DIR_ENV = 'PROTO_DIR';

/** Each service's gRPC proto file, relative to {@link protoRoot}. */
export const PROTO_FILES = {
  user: 'ecommerce/user/v1/user_service.proto',
  inventory: 'ecommerce/inventory/v1/inventory_service.proto',
  order: 'ecommerce/order/v1/order_service.proto',
  payment: 'ecommerce/payment/v1/payment_service.proto',
  notification: 'ecommerce/notification/v1/notification_service.proto',
} as const;

export type ProtoService = keyof typeof PROTO_FILES;

/**
 * The gRPC APIs several backends serve besides their own, relative to {@link protoRoot}:
 * `deadLetters` is served by every backend that consumes Kafka (@ecommerce/messaging).
 */
export const SHARED_PROTO_FILES = {
  deadLetters: 'ecommerce/deadletters/v1/dead_letter_service.proto',
} as const;

export type SharedProtoApi = keyof typeof SHARED_PROTO_FILES;

/** A service's own API or a shared one. */
export type GrpcApi = ProtoService | SharedProtoApi;

const SHARED_PROTO_PACKAGES: Readonly<Record<SharedProtoApi, string>> = {
  deadLetters: ECOMMERCE_DEADLETTERS_V1_PACKAGE_NAME,
};

/** Each shared API's fully-qualified gRPC service name. */
export const SHARED_GRPC_SERVICE_NAMES: Readonly<Record<SharedProtoApi, string>> = {
  deadLetters: `${ECOMMERCE_DEADLETTERS_V1_PACKAGE_NAME}.${DEAD_LETTER_SERVICE_NAME}`,
};

function isShared(api: GrpcApi): api is SharedProtoApi {
  return Object.hasOwn(SHARED_PROTO_FILES, api);
}

/** The fully-qualified gRPC service name of a service's own API or a shared one. */
export function grpcServiceName(api: GrpcApi): string {
  return isShared(api) ? SHARED_GRPC_SERVICE_NAMES[api] : GRPC_SERVICE_NAMES[api];
}

/** Each service's proto package (what Nest's `package` option takes). */
export const PROTO_PACKAGES: Readonly<Record<ProtoService, string>> = {
  user: ECOMMERCE_USER_V1_PACKAGE_NAME,
  inventory: ECOMMERCE_INVENTORY_V1_PACKAGE_NAME,
  order: ECOMMERCE_ORDER_V1_PACKAGE_NAME,
  payment: ECOMMERCE_PAYMENT_V1_PACKAGE_NAME,
  notification: ECOMMERCE_NOTIFICATION_V1_PACKAGE_NAME,
};

/** Each service's fully-qualified gRPC service name, e.g. `ecommerce.user.v1.UserService` (health checks, reflection). */
export const GRPC_SERVICE_NAMES: Readonly<Record<ProtoService, string>> = {
  user: `${ECOMMERCE_USER_V1_PACKAGE_NAME}.${USER_SERVICE_NAME}`,
  inventory: `${ECOMMERCE_INVENTORY_V1_PACKAGE_NAME}.${INVENTORY_SERVICE_NAME}`,
  order: `${ECOMMERCE_ORDER_V1_PACKAGE_NAME}.${ORDER_SERVICE_NAME}`,
  payment: `${ECOMMERCE_PAYMENT_V1_PACKAGE_NAME}.${PAYMENT_SERVICE_NAME}`,
  notification: `${ECOMMERCE_NOTIFICATION_V1_PACKAGE_NAME}.${NOTIFICATION_SERVICE_NAME}`,
};

/**
 * The @grpc/proto-loader options the generated code was made for (see proto/buf.gen.yaml):
 * camelCase fields, int64 as number (`forceLong=number`), enums as their proto names
 * (`stringEnums=true`), unset fields filled with defaults, `oneofs` for proto3 `optional`.
 * Any other choice makes the runtime values disagree with the generated types.
 * `includeDirs` must be added: `[protoRoot()]`.
 */
export const GRPC_LOADER_OPTIONS: Readonly<Options> = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

const MARKER = join('proto', 'buf.yaml');

/**
 * The proto root directory (it holds `buf.yaml` and `ecommerce/...`), as an absolute path.
 *
 * `PROTO_DIR` wins when set (a container image that ships the protos somewhere else).
 * Otherwise the nearest ancestor containing `proto/buf.yaml` of, in turn: this module's
 * directory (TypeScript sources under jest/tsx), the entry script (a webpack bundle in
 * `dist/apps/<app>/main.js`, where `__dirname` is not this file's), and the working
 * directory. Throws with the places searched when nothing is found.
 */
export function protoRoot(): string {
  const fromEnv = process.env[PROTO_DIR_ENV];
  if (fromEnv) {
    const dir = resolve(fromEnv);
    if (!existsSync(join(dir, 'buf.yaml'))) {
      throw new Error(
        `${PROTO_DIR_ENV}=${fromEnv} does not point at a proto root: ${join(dir, 'buf.yaml')} does not exist`,
      );
    }
    return dir;
  }
  const starts = [
    __dirname,
    process.argv[1] ? dirname(process.argv[1]) : undefined,
    process.cwd(),
  ].filter((start): start is string => typeof start === 'string' && isAbsolute(start));
  for (const start of starts) {
    const found = findUp(start);
    if (found) return found;
  }
  throw new Error(
    `Cannot find the proto files: no proto/buf.yaml above ${starts.join(', ')}. ` +
      `Set ${PROTO_DIR_ENV} to the directory that holds buf.yaml.`,
  );
}

function findUp(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, MARKER))) return join(dir, 'proto');
    if (dirname(dir) === dir) return undefined;
  }
}

/** Absolute path of a service's gRPC proto file. */
export function protoPath(service: ProtoService): string {
  return join(protoRoot(), PROTO_FILES[service]);
}

/** What Nest's gRPC transport needs for one service (server or client); add `url`. */
export interface GrpcProtoOptions {
  package: string;
  protoPath: string;
  loader: Options & { includeDirs: string[] };
}

/**
 * The `package`, `protoPath` and `loader` options of Nest's gRPC transport for one
 * service, e.g. `ClientsModule.register([{ name, transport: Transport.GRPC,
 * options: { ...grpcProtoOptions('order'), url } }])`.
 */
export function grpcProtoOptions(service: GrpcApi): GrpcProtoOptions {
  const root = protoRoot();
  return {
    package: isShared(service) ? SHARED_PROTO_PACKAGES[service] : PROTO_PACKAGES[service],
    protoPath: join(root, isShared(service) ? SHARED_PROTO_FILES[service] : PROTO_FILES[service]),
    loader: { ...GRPC_LOADER_OPTIONS, includeDirs: [root] },
  };
}

/** What a server that serves several APIs passes to Nest: their packages and files, in one. */
export interface GrpcServerProtoOptions {
  package: string[];
  protoPath: string[];
  loader: Options & { includeDirs: string[] };
}

/** {@link grpcProtoOptions} of a service's own API plus the shared ones it serves too. */
export function grpcServerProtoOptions(apis: readonly GrpcApi[]): GrpcServerProtoOptions {
  const each = apis.map(grpcProtoOptions);
  return {
    package: each.map((options) => options.package),
    protoPath: each.map((options) => options.protoPath),
    loader: { ...GRPC_LOADER_OPTIONS, includeDirs: [protoRoot()] },
  };
}
