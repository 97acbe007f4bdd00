import { z } from 'zod';
import { backendServiceEnv } from '@ecommerce/config';

/** The name in logs and health reports, the Kafka client id and consumer groups, and `ce_source`. */
export const SERVICE_NAME = 'inventory-service';

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
