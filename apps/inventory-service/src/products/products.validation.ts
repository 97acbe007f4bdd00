import { z } from 'zod';

/** Prices and stock live in INTEGER columns: nothing above this fits. */
export const MAX_INT4 = 2_147_483_647;
export const MAX_RESTOCK = 1_000_000;
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** GetProductsByIds serves one order at a time (at most 50 lines), with room to spare. */
export const MAX_BATCH_IDS = 100;

/** Postgres's uuid format, lower-cased as Postgres returns it, so ids compare as strings. */
const uuid = z.guid('must be a UUID').transform((id) => id.toLowerCase());

const count = (min: number, max: number) =>
  z
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/** 0 (gRPC's unset) means the default; page is 1-based. */
const page = z
  .int('must be a whole number')
  .min(0, 'must be at least 1')
  .transform((value) => value || 1);
const limit = z
  .int('must be a whole number')
  .min(0, 'must be at least 1')
  .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`)
  .transform((value) => value || DEFAULT_PAGE_SIZE);

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

export const productIdSchema = z.object({ id: uuid });

export const listProductsSchema = z.object({ page, limit });
export type PageInput = z.output<typeof listProductsSchema>;

export const restockProductSchema = z.object({ id: uuid, quantity: count(1, MAX_RESTOCK) });
export type RestockInput = z.output<typeof restockProductSchema>;

// Any string is accepted: an id that is not a UUID simply matches no product.
export const productsByIdsSchema = z.object({
  ids: z.array(z.string()).max(MAX_BATCH_IDS, `at most ${MAX_BATCH_IDS} ids per call`),
});
