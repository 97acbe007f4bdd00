-- AlterTable
-- user_id is NOT NULL without a default: until this migration nothing wrote payments (the saga
-- does from here on), so the table is empty. A database holding hand-made rows stops here,
-- which is the point: a payment nobody owns could never be shown to its customer.
ALTER TABLE "payments" ADD COLUMN     "last_error" VARCHAR(500),
ADD COLUMN     "provider_charge_id" VARCHAR(64),
ADD COLUMN     "refunded_at" TIMESTAMPTZ(3),
ADD COLUMN     "user_id" UUID NOT NULL;

-- CreateTable
CREATE TABLE "outbox" (
    "id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "message_key" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "payload" BYTEA NOT NULL,
    "headers" JSONB NOT NULL,
    "traceparent" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inbox" (
    "consumer" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "handled_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbox_pkey" PRIMARY KEY ("consumer","message_id")
);

-- CreateIndex
CREATE INDEX "payments_user_id_idx" ON "payments"("user_id");

-- Hand-written below: Prisma schemas cannot express CHECK constraints, partial indexes or
-- triggers, and the drift check (npm run db:check) does not see them, so keep them here.

-- The payment state machine (apps/payment-service/src/payments/payment-state.ts), as far as
-- one row can tell: a refund time exactly on refunded payments, a reason on declined ones.
ALTER TABLE "payments" ADD CONSTRAINT "payments_refunded_at_check"
  CHECK (("status" = 'REFUNDED') = ("refunded_at" IS NOT NULL));
ALTER TABLE "payments" ADD CONSTRAINT "payments_decline_code_check"
  CHECK ("status" <> 'DECLINED' OR "decline_code" IS NOT NULL);

-- The relay's query: unpublished rows in (created_at, id) order. Partial, so it stays as
-- small as the backlog however many published rows are kept.
CREATE INDEX "outbox_unpublished_idx" ON "outbox" ("created_at", "id") WHERE "published_at" IS NULL;

-- Wakes the relay as soon as a transaction that wrote to the outbox commits (NOTIFY is
-- delivered at commit, never for a rolled-back transaction). Once per statement, not per row.
CREATE FUNCTION "outbox_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER "outbox_notify" AFTER INSERT ON "outbox"
  FOR EACH STATEMENT EXECUTE FUNCTION "outbox_notify"();
