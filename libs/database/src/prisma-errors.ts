import { PrismaClientKnownRequestError } from '@prisma/client/runtime/client';

/**
 * Every generated client re-exports this one runtime class as
 * `Prisma.PrismaClientKnownRequestError`, so one check serves every service.
 */
function hasPrismaCode(error: unknown, code: string): boolean {
  return error instanceof PrismaClientKnownRequestError && error.code === code;
}

/** A unique index refused the write (Postgres 23505, Prisma P2002): the row already exists. */
export function isUniqueViolation(error: unknown): boolean {
  return hasPrismaCode(error, 'P2002');
}

/** An update or delete found no row to change (Prisma P2025). */
export function isRecordNotFound(error: unknown): boolean {
  return hasPrismaCode(error, 'P2025');
}
