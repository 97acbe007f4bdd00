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
