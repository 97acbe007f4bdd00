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

/** A {@link flag}'s value, or when unset: on, except with NODE_ENV=production. */
export const unlessProduction = (value: boolean | undefined, nodeEnv: string): boolean =>
  value ?? nodeEnv !== 'production';

export const logLevel = () =>
  z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level');

export const nodeEnv = () =>
  z.enum(['development', 'test', 'production']).default('development').describe('runtime environment');
