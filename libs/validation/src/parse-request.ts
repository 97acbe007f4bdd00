import type { z } from 'zod';
import { DomainError, type FieldError, VALIDATION_FAILED } from '@ecommerce/errors';

/** Zod's path `['items', 2, 'productId']` as clients name the field: `items[2].productId`. */
export function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>((name, key) => {
    if (typeof key === 'number') return `${name}[${key}]`;
    return name ? `${name}.${String(key)}` : String(key);
  }, '');
}

/** One entry per field, with the first of its problems, in the order zod found them. */
export function fieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const fields = new Map<string, FieldError>();
  for (const issue of issues) {
    const field = fieldName(issue.path);
    if (!fields.has(field)) fields.set(field, { field, message: issue.message });
  }
  return [...fields.values()];
}

/**
 * Parses a gRPC request with `schema`, or throws VALIDATION_FAILED (INVALID_ARGUMENT at the
 * gRPC boundary) naming every bad field. gRPC fills unset fields with defaults ('' and 0), so
 * schemas treat those as "not given".
 */
export function parseRequest<S extends z.ZodType>(schema: S, request: unknown): z.output<S> {
  const result = schema.safeParse(request);
  if (result.success) return result.data;
  throw new DomainError(
    VALIDATION_FAILED,
    'the request is invalid',
    fieldErrors(result.error.issues),
  );
}
