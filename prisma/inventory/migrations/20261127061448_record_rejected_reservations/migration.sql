-- CreateEnum
CREATE TYPE "rejection_reason" AS ENUM ('INSUFFICIENT_STOCK', 'UNKNOWN_PRODUCT');

-- AlterEnum
ALTER TYPE "reservation_status" ADD VALUE 'REJECTED';

-- AlterTable
ALTER TABLE "reservations" ADD COLUMN     "rejection_reason" "rejection_reason",
ADD COLUMN     "unavailable" JSONB;

-- Hand-written below: Prisma schemas cannot express CHECK constraints.

-- A rejection reason exactly on REJECTED rows, and their unavailable lines with it. Compared
-- as text: a value added by ALTER TYPE ... ADD VALUE cannot be used as an enum literal in the
-- transaction that added it, and this migration runs as one.
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_rejection_check" CHECK (
  ("rejection_reason" IS NOT NULL) = ("status"::text = 'REJECTED')
  AND ("unavailable" IS NOT NULL) = ("rejection_reason" IS NOT NULL)
);
