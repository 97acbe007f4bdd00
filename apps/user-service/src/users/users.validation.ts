import type { FieldError } from '@ecommerce/errors';

/**
 * The rules of user input, as pure functions: the gateway validates the same shapes, but the
 * service is the one that owns the data, so it never trusts that a caller did.
 */

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
export const NAME_MAX_LENGTH = 100;
/** RFC 5321's limit on a forward path, the longest an address can usefully be. */
export const EMAIL_MAX_LENGTH = 254;
export const PAGE_LIMIT_MAX = 100;
export const PAGE_LIMIT_DEFAULT = 10;

// Characters as Postgres counts them for VARCHAR(n): code points, not UTF-16 units.
const length = (value: string) => [...value].length;

// Deliberately loose (one @, something on each side, a dot in the domain, no spaces): the
// only real proof of an address is mail reaching it.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Trimmed; case is kept as typed, uniqueness ignores it (the column is citext). */
export function normaliseEmail(email: string): string {
  return email.trim();
}

export function emailProblem(email: string): string | undefined {
  if (email.length === 0) return 'is required';
  if (length(email) > EMAIL_MAX_LENGTH) return `must be at most ${EMAIL_MAX_LENGTH} characters`;
  if (!EMAIL_PATTERN.test(email)) return 'must be an email address';
  return undefined;
}

/** Length only, no composition rules (NIST SP 800-63B); never trimmed: spaces are characters. */
export function passwordProblem(password: string): string | undefined {
  const n = length(password);
  if (n < PASSWORD_MIN_LENGTH || n > PASSWORD_MAX_LENGTH) {
    return `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`;
  }
  return undefined;
}

/** `name` is expected trimmed. */
export function nameProblem(name: string): string | undefined {
  const n = length(name);
  if (n < 1 || n > NAME_MAX_LENGTH) return `must be 1 to ${NAME_MAX_LENGTH} characters`;
  return undefined;
}

export function idProblem(id: string): string | undefined {
  return UUID_PATTERN.test(id) ? undefined : 'must be a UUID';
}

export interface Page {
  page: number;
  limit: number;
}

/**
 * proto3 sends 0 for a field the caller did not set, so 0 means "the default" (page 1,
 * {@link PAGE_LIMIT_DEFAULT} per page); anything else out of range is the caller's mistake.
 */
export function parsePage(request: Page): { page: Page; problems: FieldError[] } {
  const page = request.page === 0 ? 1 : request.page;
  const limit = request.limit === 0 ? PAGE_LIMIT_DEFAULT : request.limit;
  const problems: FieldError[] = [];
  if (!Number.isInteger(page) || page < 1) problems.push({ field: 'page', message: 'must be 1 or more' });
  if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_LIMIT_MAX) {
    problems.push({ field: 'limit', message: `must be 1 to ${PAGE_LIMIT_MAX}` });
  }
  return { page: { page, limit }, problems };
}

/** Field errors for every field whose check returned a problem, in the order given. */
export function fieldErrors(checks: Record<string, string | undefined>): FieldError[] {
  return Object.entries(checks)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([field, message]) => ({ field, message }));
}
