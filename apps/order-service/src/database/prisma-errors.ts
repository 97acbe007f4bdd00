import { Prisma } from '../generated/prisma/client';

/** A unique index refused the write (Postgres 23505, Prisma P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
