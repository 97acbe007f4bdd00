-- CreateEnum
CREATE TYPE "payment_status" AS ENUM ('CAPTURED', 'DECLINED', 'FAILED', 'REFUNDED');

-- CreateTable
CREATE TABLE "payments" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "order_id" UUID NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "status" "payment_status" NOT NULL,
    "decline_code" VARCHAR(64),
    "method" VARCHAR(64) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "payments_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "payments_order_id_key" ON "payments"("order_id");

-- Hand-written below: Prisma schemas cannot express CHECK constraints, and the
-- drift check (npm run db:check) does not see them, so keep them here.

ALTER TABLE "payments" ADD CONSTRAINT "payments_amount_cents_check" CHECK ("amount_cents" >= 0);
ALTER TABLE "payments" ADD CONSTRAINT "payments_attempts_check" CHECK ("attempts" >= 0);
