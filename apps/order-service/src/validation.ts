import type { z } from 'zod';
import { DomainError, type FieldError } from '@ecommerce/errors';

/** Zod's path `['items', 2, 'productId']` as clients name the field: `items[2].productId`. */
export function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>((name, key) => {
    if (typeof key === 'number') return `${name}[${key}]`;
    return name ? `${name}.${String(key)}` : String(key);
  }, '');
}

/**
 * Parses a gRPC request with `schema`, or throws VALIDATION_FAILED naming every bad field
 * (with the first of its problems). gRPC fills unset fields with defaults ('' and 0), so
 * schemas treat those as "not given".
 */
export function parseRequest<S extends z.ZodType>(schema: S, request: unknown): z.output<S> {
  const result = schema.safeParse(request);
  if (result.success) return result.data;
  const fields = new Map<string, FieldError>();
  for (const issue of result.error.issues) {
    const field = fieldName(issue.path);
    if (!fields.has(field)) fields.set(field, { field, message: issue.message });
  }
  throw new DomainError('VALIDATION_FAILED', 'the request is invalid', [...fields.values()]);
}
