import { z } from 'zod';
import { backendServiceEnv } from '@ecommerce/config';

export const configSchema = z.object({
  ...backendServiceEnv,
});

export type ServiceConfig = z.output<typeof configSchema>;
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
