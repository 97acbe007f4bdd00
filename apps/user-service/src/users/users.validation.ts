import { z } from 'zod';
import { pagingSchema, uuid } from '@ecommerce/validation';
import {
  EMAIL_MAX_LENGTH,
  NAME_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
} from './user-limits';

/**
 * The rules of user input: the gateway validates the same shapes, but the service is the one
 * that owns the data, so it never trusts that a caller did.
 */

// Characters as Postgres counts them for VARCHAR(n): code points, not UTF-16 units.
const length = (value: string) => [...value].length;

// Deliberately loose (one @, something on each side, a dot in the domain, no spaces): the
// only real proof of an address is mail reaching it.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Trimmed; case is kept as typed, uniqueness ignores it (the column is citext). */
export function normaliseEmail(email: string): string {
  return email.trim();
}

const email = z
  .string()
  .transform(normaliseEmail)
  .refine((value) => value.length > 0, 'is required')
  .refine(
    (value) => length(value) <= EMAIL_MAX_LENGTH,
    `must be at most ${EMAIL_MAX_LENGTH} characters`,
  )
  .refine((value) => EMAIL_PATTERN.test(value), 'must be an email address');

/** Length only, no composition rules (NIST SP 800-63B); never trimmed: spaces are characters. */
const password = z
  .string()
  .refine(
    (value) => length(value) >= PASSWORD_MIN_LENGTH && length(value) <= PASSWORD_MAX_LENGTH,
    `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`,
  );

const name = z
  .string()
  .trim()
  .refine(
    (value) => length(value) >= 1 && length(value) <= NAME_MAX_LENGTH,
    `must be 1 to ${NAME_MAX_LENGTH} characters`,
  );

export const registerSchema = z.object({ email, password, name });
export type RegisterInput = z.output<typeof registerSchema>;

export const userIdSchema = z.object({ id: uuid() });

/** `name` unset (proto3 optional) leaves the user as it is. */
export const updateUserSchema = z.object({ id: uuid(), name: name.optional() });

export const listUsersSchema = pagingSchema;
