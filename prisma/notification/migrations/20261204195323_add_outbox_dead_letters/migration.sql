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
CREATE TABLE "dead_letter" (
    "id" UUID NOT NULL,
    "consumer" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "offset" BIGINT NOT NULL,
    "message_key" TEXT NOT NULL,
    "message_id" TEXT,
    "event_type" TEXT,
    "payload" BYTEA NOT NULL,
    "headers" JSONB NOT NULL,
    "error" TEXT NOT NULL,
    "failed_at" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'WAITING',
    "replay_of" UUID,
    "replay_count" INTEGER NOT NULL DEFAULT 0,
    "replayed_at" TIMESTAMPTZ(3),
    "replayed_by" TEXT,
    "replay_outcome" TEXT,
    "discarded_at" TIMESTAMPTZ(3),
    "discarded_by" TEXT,
    "discard_reason" TEXT,

    CONSTRAINT "dead_letter_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "dead_letter_failed_at_idx" ON "dead_letter"("failed_at");

-- CreateIndex
CREATE UNIQUE INDEX "dead_letter_consumer_topic_partition_offset_key" ON "dead_letter"("consumer", "topic", "partition", "offset");

-- The waiting list and the dead_letters_waiting gauge: what is neither replayed nor discarded.
-- Partial, so it stays as small as what waits however many handled dead letters are kept.
CREATE INDEX "dead_letter_waiting_idx" ON "dead_letter" ("topic", "failed_at") WHERE "status" = 'WAITING';

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
