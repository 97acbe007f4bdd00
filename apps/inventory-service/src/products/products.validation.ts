import { z } from 'zod';
import { paging, uuid } from '@ecommerce/validation';

/** Prices and stock live in INTEGER columns: nothing above this fits. */
export const MAX_INT4 = 2_147_483_647;
export const MAX_RESTOCK = 1_000_000;
/** GetProductsByIds serves one order at a time (at most 50 lines), with room to spare. */
export const MAX_BATCH_IDS = 100;

const count = (min: number, max: number) =>
  z
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

export const createProductSchema = z.object({
  sku: z
    .string()
    .min(1, 'is required')
    .max(64, 'must be at most 64 characters')
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
      'letters, digits, . _ - only, starting with a letter or digit',
    ),
  name: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  // '' is gRPC's "not given": stored as no description.
  description: z
    .string()
    .trim()
    .max(5_000, 'must be at most 5000 characters')
    .transform((value) => value || null),
  priceCents: count(0, MAX_INT4),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code: three uppercase letters, e.g. EUR'),
  initialStock: count(0, MAX_INT4),
});
export type CreateProductInput = z.output<typeof createProductSchema>;

export const productIdSchema = z.object({ id: uuid() });

export const listProductsSchema = z.object(paging);

export const restockProductSchema = z.object({ id: uuid(), quantity: count(1, MAX_RESTOCK) });
export type RestockInput = z.output<typeof restockProductSchema>;

// Any string is accepted: an id that is not a UUID simply matches no product.
export const productsByIdsSchema = z.object({
  ids: z.array(z.string()).max(MAX_BATCH_IDS, `at most ${MAX_BATCH_IDS} ids per call`),
});
