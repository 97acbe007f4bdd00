-- CreateEnum
CREATE TYPE "saga_state" AS ENUM ('RESERVING', 'PAYING', 'DONE', 'CANCELLING', 'COMPENSATING');

-- CreateTable
CREATE TABLE "order_sagas" (
    "order_id" UUID NOT NULL,
    "state" "saga_state" NOT NULL,
    "cancelled_while" "saga_state",
    "awaiting_refund" BOOLEAN NOT NULL DEFAULT false,
    "awaiting_release" BOOLEAN NOT NULL DEFAULT false,
    "cancellation_reason" "cancellation_reason",
    "deadline_at" TIMESTAMPTZ(3) NOT NULL,
    "traceparent" VARCHAR(55),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "order_sagas_pkey" PRIMARY KEY ("order_id")
);

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
CREATE INDEX "order_sagas_state_deadline_at_idx" ON "order_sagas"("state", "deadline_at");

-- AddForeignKey
ALTER TABLE "order_sagas" ADD CONSTRAINT "order_sagas_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written below: Prisma schemas cannot express CHECK constraints, partial indexes or
-- triggers, and the drift check (npm run db:check) does not see them, so keep them here.

-- The saga's columns agree with its state (docs/saga.md):
-- CANCELLING remembers what it interrupted, and only RESERVING or PAYING can be interrupted;
ALTER TABLE "order_sagas" ADD CONSTRAINT "order_sagas_cancelled_while_check" CHECK (("state" = 'CANCELLING') = ("cancelled_while" IS NOT NULL) AND ("cancelled_while" IS NULL OR "cancelled_while" IN ('RESERVING', 'PAYING')));
-- a cancelling or compensating saga knows the reason the order will be cancelled with;
ALTER TABLE "order_sagas" ADD CONSTRAINT "order_sagas_cancellation_reason_check" CHECK (("state" IN ('CANCELLING', 'COMPENSATING')) = ("cancellation_reason" IS NOT NULL));
-- only a compensating saga waits for acknowledgements, and it always waits for one at least.
ALTER TABLE "order_sagas" ADD CONSTRAINT "order_sagas_awaiting_check" CHECK (("state" = 'COMPENSATING') = ("awaiting_refund" OR "awaiting_release"));

-- Orders placed before the saga existed never had their stock reserved: give each PENDING one
-- a saga that is already past its deadline, so the sweeper cancels it (TIMEOUT) through the
-- normal compensation instead of leaving it PENDING forever.
INSERT INTO "order_sagas" ("order_id", "state", "deadline_at", "updated_at")
SELECT "id", 'RESERVING', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM "orders" WHERE "status" = 'PENDING';

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
