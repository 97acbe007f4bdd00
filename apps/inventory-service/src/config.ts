import { z } from 'zod';
import { backendServiceEnv } from '@ecommerce/config';

export const configSchema = z.object({
  ...backendServiceEnv,
  SEED_CATALOG: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true')
    .describe(
      'add the demo catalog (products with stock) at start when its skus are missing: true | false',
    ),
});

export type ServiceConfig = z.output<typeof configSchema>;
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
