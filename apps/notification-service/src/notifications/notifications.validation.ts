import type { FieldError } from '@ecommerce/errors';

export const PAGE_LIMIT_MAX = 100;
export const PAGE_LIMIT_DEFAULT = 10;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ListQuery {
  userId: string;
  page: number;
  limit: number;
}

/**
 * proto3 sends 0 for a field the caller did not set, so 0 means "the default" (page 1,
 * {@link PAGE_LIMIT_DEFAULT} per page); anything else out of range is the caller's mistake.
 */
export function parseListQuery(request: ListQuery): { query: ListQuery; problems: FieldError[] } {
  const page = request.page === 0 ? 1 : request.page;
  const limit = request.limit === 0 ? PAGE_LIMIT_DEFAULT : request.limit;
  const problems: FieldError[] = [];
  if (!UUID_PATTERN.test(request.userId)) problems.push({ field: 'userId', message: 'must be a UUID' });
  if (!Number.isInteger(page) || page < 1) problems.push({ field: 'page', message: 'must be 1 or more' });
  if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_LIMIT_MAX) {
    problems.push({ field: 'limit', message: `must be 1 to ${PAGE_LIMIT_MAX}` });
  }
  return { query: { userId: request.userId, page, limit }, problems };
}
