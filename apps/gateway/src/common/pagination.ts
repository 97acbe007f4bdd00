import { z } from 'zod';
import type { commonV1 } from '@ecommerce/contracts';
import { responseSchema } from '../openapi/registry';

/** `?page&limit` of every list route: 1-based page, at most 100 per page. */
export const paginationQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1).describe('1-based page number'),
  limit: z.coerce.number().int().min(1).max(100).default(10).describe('items per page, 1..100'),
});

export const paginationSchema = responseSchema(
  'Pagination',
  z.object({
    page: z.number().int(),
    limit: z.number().int(),
    total: z.number().int().describe('items across all pages'),
    pages: z.number().int().describe('number of pages'),
  }),
);

/** `{ data: [item], pagination }`, the shape of every list. */
export function pageSchema<T extends z.ZodType>(id: string, item: T) {
  return responseSchema(id, z.object({ data: z.array(item), pagination: paginationSchema }));
}

export type Pagination = z.output<typeof paginationSchema>;

export function toPagination(pagination: commonV1.Pagination | undefined, requested: { page: number; limit: number }): Pagination {
  return pagination
    ? { page: pagination.page, limit: pagination.limit, total: pagination.total, pages: pagination.pages }
    : { ...requested, total: 0, pages: 0 };
}

export const idParams = z.object({ id: z.uuid() });

