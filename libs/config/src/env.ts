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
