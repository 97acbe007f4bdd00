import { createPrivateKey, createPublicKey } from 'node:crypto';
import { z } from 'zod';

/**
 * Building blocks for env schemas. Every variable gets a description, so a bad value
 * produces an error message that says what the variable is for.
 */

/** A TCP port, given as a string in the environment. */
export const port = (description: string) =>
  z.coerce.number().int().min(1).max(65535).describe(description);

/** A positive integer (milliseconds, counts, sizes). */
export const positiveInt = (description: string) =>
  z.coerce.number().int().positive().describe(description);

/** A PostgreSQL connection string. */
export const postgresUrl = (description: string) =>
  z
    .string()
    .trim()
    .min(1)
    .refine((value) => /^postgres(ql)?:\/\/[^\s]+$/.test(value), {
      message: 'expected a postgresql:// connection string',
    })
    .describe(description);

/** `host:port` — a gRPC target or a Kafka broker. */
export const hostPort = (description: string) =>
  z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, 'expected host:port')
    .describe(description);

/** A comma-separated list of `host:port` entries, parsed into an array. */
export const hostPortList = (description: string) =>
  z
    .string()
    .trim()
    .min(1)
    .transform((value) => value.split(',').map((entry) => entry.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, 'expected host:port')).min(1))
    .describe(description);

/**
 * `true` or `false`; unset stays `undefined`, so the caller can pick a default by NODE_ENV
 * (see {@link unlessProduction}).
 */
export const flag = (description: string) =>
  z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .describe(description);

/**
 * For `.superRefine(...)` of a config schema: each of `variables`, optional in development,
 * must be set when NODE_ENV=production.
 */
export const requiredInProduction =
  <K extends string>(...variables: K[]) =>
  (config: { NODE_ENV: string } & Partial<Record<K, unknown>>, ctx: z.RefinementCtx): void => {
    if (config.NODE_ENV !== 'production') return;
    for (const variable of variables) {
      if (config[variable] === undefined)
        ctx.addIssue({ code: 'custom', path: [variable], message: 'required when NODE_ENV=production' });
    }
  };

/** A {@link flag}'s value, or when unset: on, except with NODE_ENV=production. */
export const unlessProduction = (value: boolean | undefined, nodeEnv: string): boolean =>
  value ?? nodeEnv !== 'production';

/**
 * The gRPC address of a service: one `host:port` (a DNS name may resolve to every replica,
 * as a Kubernetes headless Service does), or a comma-separated list of `ip:port`, one per
 * replica. Parsed into the list; the client spreads its calls over them (round robin).
 * A list takes IP addresses only: that is what gRPC's static `ipv4:`/`ipv6:` targets accept.
 */
export const grpcAddresses = (description: string) =>
  z
    .string()
    .trim()
    .min(1)
    .transform((value) => value.split(',').map((entry) => entry.trim()).filter(Boolean))
    .pipe(
      z
        .array(z.string().regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, 'expected host:port'))
        .min(1)
        .refine(
          (list) => list.length === 1 || list.every(isIpv4Address) || list.every(isIpv6Address),
          {
            message:
              'a list of several addresses takes IP addresses only, all IPv4 (1.2.3.4:50051) or all IPv6 ([::1]:50051)',
          },
        ),
    )
    .describe(description);

const isIpv4Address = (hostPort: string) => /^(\d{1,3}\.){3}\d{1,3}:\d{1,5}$/.test(hostPort);
const isIpv6Address = (hostPort: string) => /^\[[0-9A-Fa-f:.]+\]:\d{1,5}$/.test(hostPort);

export const logLevel = () =>
  z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level');

export const nodeEnv = () =>
  z.enum(['development', 'test', 'production']).default('development').describe('runtime environment');

/**
 * A PKCS8 PEM of an Ed25519 private key. `\n` escapes count as line breaks, so the key fits
 * on one line of an env file or docker-compose.yml.
 */
export const ed25519PrivateKeyPem = () =>
  z
    .string()
    .trim()
    .transform((value) => value.replace(/\\n/g, '\n'))
    .refine(isEd25519PrivateKey, { message: 'expected the PKCS8 PEM of an Ed25519 private key' });

function isEd25519PrivateKey(pem: string): boolean {
  try {
    return createPrivateKey({ key: pem, format: 'pem' }).asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}

/** A service's name as it appears in logs and service tokens: `gateway`, `order-service`. */
const SERVICE_NAME = /^[a-z][a-z0-9-]*$/;
/** A raw 32-byte Ed25519 public key in base64url without padding: the `x` of its JWK. */
const ED25519_X = /^[A-Za-z0-9_-]{43}$/;

/**
 * The services allowed to call this one and the Ed25519 public key each signs its service
 * tokens with: `name:x,name:x`, where `x` is the base64url raw public key (its JWK `x`).
 * Parsed into `{ name: x }`; a malformed entry, a bad key or a name given twice is an error.
 */
export const servicePublicKeys = (description: string) =>
  z
    .string()
    .trim()
    .min(1)
    .transform((value, ctx) => {
      const keys: Record<string, string> = {};
      for (const entry of value.split(',').map((part) => part.trim())) {
        const separator = entry.indexOf(':');
        const name = entry.slice(0, separator);
        const x = entry.slice(separator + 1);
        const problem =
          separator < 0 || !SERVICE_NAME.test(name)
            ? `"${entry.slice(0, 40)}" is not name:key`
            : name in keys
              ? `${name} is listed twice`
              : !isEd25519PublicKey(x)
                ? `the key of ${name} is not a base64url Ed25519 public key (32 bytes)`
                : undefined;
        if (problem) {
          ctx.addIssue({ code: 'custom', message: `expected name:key,name:key; ${problem}` });
          return z.NEVER;
        }
        keys[name] = x;
      }
      return keys;
    })
    .describe(description);

function isEd25519PublicKey(x: string): boolean {
  if (!ED25519_X.test(x)) return false;
  try {
    return (
      createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' })
        .asymmetricKeyType === 'ed25519'
    );
  } catch {
    return false;
  }
}
