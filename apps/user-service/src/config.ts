import { z } from 'zod';
import {
  backendServiceEnv,
  ed25519PrivateKeyPem,
  positiveInt,
  requiredInProduction,
} from '@ecommerce/config';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './users/user-limits';

/** The name in logs and health reports, the Kafka client id and consumer groups, and `ce_source`. */
export const SERVICE_NAME = 'user-service';

const REQUIRED_IN_PRODUCTION = ['JWT_PRIVATE_KEY', 'ADMIN_EMAIL', 'ADMIN_PASSWORD'] as const;

export const configSchema = z
  .object({
    ...backendServiceEnv,
    JWT_ISSUER: z
      .string()
      .trim()
      .min(1)
      .default('ecommerce-platform')
      .describe('`iss` claim of the access tokens'),
    JWT_AUDIENCE: z
      .string()
      .trim()
      .min(1)
      .default('ecommerce-api')
      .describe('`aud` claim of the access tokens'),
    ACCESS_TOKEN_TTL_SECONDS: positiveInt('lifetime of an access token, in seconds')
      .max(86_400)
      .default(900),
    JWT_PRIVATE_KEY: ed25519PrivateKeyPem()
      .optional()
      .describe(
        'secret: PKCS8 PEM of the Ed25519 key that signs access tokens (required when NODE_ENV=production; ' +
          'otherwise, when unset, the service generates one and keeps it in its database)',
      ),
    ADMIN_EMAIL: z
      .string()
      .trim()
      .pipe(z.email())
      .optional()
      .describe('email of the admin account seeded at start (required when NODE_ENV=production)'),
    ADMIN_PASSWORD: z
      .string()
      .min(PASSWORD_MIN_LENGTH)
      .max(PASSWORD_MAX_LENGTH)
      .optional()
      .describe(
        'secret: password of the admin account seeded at start (required when NODE_ENV=production)',
      ),
  })
  .superRefine(requiredInProduction(...REQUIRED_IN_PRODUCTION));

export type ServiceConfig = z.output<typeof configSchema>;
