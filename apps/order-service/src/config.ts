import { z } from 'zod';
import { backendServiceEnv, hostPort } from '@ecommerce/config';

export const configSchema = z.object({
  ...backendServiceEnv,
  INVENTORY_SERVICE_URL: hostPort(
    'gRPC address (host:port) of inventory-service, whose catalog prices every order',
  ),
});

export type ServiceConfig = z.output<typeof configSchema>;
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
