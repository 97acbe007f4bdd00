import { z } from 'zod';
import { pageSchema } from '../common/pagination';
import { requestSchema, responseSchema } from '../openapi/registry';

/** The ISO 4217 codes this runtime knows (Intl), e.g. EUR, USD, JPY. */
const ISO_4217 = new Set(Intl.supportedValuesOf('currency'));

export const productSchema = responseSchema(
  'Product',
  z.object({
    id: z.uuid(),
    sku: z.string(),
    name: z.string(),
    description: z.string(),
    priceCents: z.number().int().describe('price in minor units of currency'),
    currency: z.string().describe('ISO 4217'),
    available: z.number().int().describe('units that can still be ordered'),
  }),
);
export type ProductResponse = z.output<typeof productSchema>;

export const productPageSchema = pageSchema('ProductPage', productSchema);

export const createProductBody = requestSchema(
  'CreateProductRequest',
  z.object({
    sku: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, . _ - only, starting with a letter or digit'),
    name: z.string().trim().min(1).max(200),
    description: z.string().trim().max(2_000).optional(),
    priceCents: z.number().int().min(0).max(100_000_000).describe('price in minor units of currency'),
    currency: z
      .string()
      .refine((code) => ISO_4217.has(code), 'must be an ISO 4217 currency code, e.g. EUR')
      .meta({ example: 'EUR' }),
    initialStock: z.number().int().min(0).max(1_000_000),
  }),
);

export const restockBody = requestSchema(
  'RestockRequest',
  z.object({ quantity: z.number().int().min(1).max(1_000_000) }),
);
