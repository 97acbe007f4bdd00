/**
 * The two tables a service adds to its OWN database to use this library (database per
 * service: nothing here is shared between services).
 *
 * How they get there: add {@link MESSAGING_PRISMA_MODELS} to the service's `schema.prisma`,
 * run `npm run db:migrate:create -- <service> add_outbox_inbox`, and append
 * {@link MESSAGING_MIGRATION_EXTRAS_SQL} to the generated `migration.sql` by hand (a partial
 * index and a trigger: Prisma cannot express them, and the drift check does not look at them).
 * {@link MESSAGING_SCHEMA_SQL} is the whole result, for tests and for readers.
 */

/** Name of the NOTIFY channel the outbox trigger signals and the relay LISTENs on. */
export const OUTBOX_CHANNEL = 'outbox';

/** `outbox` and `inbox`, exactly as Prisma generates them from {@link MESSAGING_PRISMA_MODELS}. */
export const MESSAGING_TABLES_SQL = `-- Transactional outbox: written in the same transaction as the state change it announces,
-- published to Kafka afterwards by the relay (OutboxRelay).
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

-- Idempotent consumers: one row per (consumer, message id) handled, written in the same
-- transaction as the handler's effect.
CREATE TABLE "inbox" (
    "consumer" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "handled_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbox_pkey" PRIMARY KEY ("consumer","message_id")
);
`;

/** What Prisma cannot express: append it to the migration that creates the tables. */
export const MESSAGING_MIGRATION_EXTRAS_SQL = `-- The relay's query: unpublished rows in (created_at, id) order. Partial, so it stays as
-- small as the backlog however many published rows are kept.
CREATE INDEX "outbox_unpublished_idx" ON "outbox" ("created_at", "id") WHERE "published_at" IS NULL;

-- Wakes the relay as soon as a transaction that wrote to the outbox commits (NOTIFY is
-- delivered at commit, never for a rolled-back transaction). Once per statement, not per row.
CREATE FUNCTION "outbox_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${OUTBOX_CHANNEL}', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER "outbox_notify" AFTER INSERT ON "outbox"
  FOR EACH STATEMENT EXECUTE FUNCTION "outbox_notify"();
`;

/**
 * The `dead_letter` table, exactly as Prisma generates it from {@link DEAD_LETTER_PRISMA_MODEL}:
 * for a service that consumes (what its consumers dead-letter, to list, replay and discard).
 * Replays go through the outbox, so such a service has an outbox too.
 */
export const DEAD_LETTER_TABLE_SQL = `-- CreateTable
CREATE TABLE "dead_letter" (
    "id" UUID NOT NULL,
    "consumer" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "offset" BIGINT NOT NULL,
    "produced_at" TIMESTAMPTZ(3) NOT NULL,
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
CREATE UNIQUE INDEX "dead_letter_consumer_topic_partition_offset_produced_at_key" ON "dead_letter"("consumer", "topic", "partition", "offset", "produced_at");
`;

/** What Prisma cannot express about `dead_letter`: append it to the migration that creates it. */
export const DEAD_LETTER_MIGRATION_EXTRAS_SQL = `-- The waiting list and the dead_letters_waiting gauge: what is neither replayed nor discarded.
-- Partial, so it stays as small as what waits however many handled dead letters are kept.
CREATE INDEX "dead_letter_waiting_idx" ON "dead_letter" ("topic", "failed_at") WHERE "status" = 'WAITING';
`;

/**
 * The complete DDL: {@link MESSAGING_TABLES_SQL}, {@link DEAD_LETTER_TABLE_SQL}, then what Prisma
 * cannot express ({@link MESSAGING_MIGRATION_EXTRAS_SQL}, {@link DEAD_LETTER_MIGRATION_EXTRAS_SQL}).
 */
export const MESSAGING_SCHEMA_SQL = [
  MESSAGING_TABLES_SQL,
  DEAD_LETTER_TABLE_SQL,
  MESSAGING_MIGRATION_EXTRAS_SQL,
  DEAD_LETTER_MIGRATION_EXTRAS_SQL,
].join('\n');

/** The Prisma models for the two tables, to paste into a service's `schema.prisma`. */
export const MESSAGING_PRISMA_MODELS = `/// Transactional outbox (@ecommerce/messaging). The partial index and the NOTIFY trigger
/// live in the migration only (MESSAGING_MIGRATION_EXTRAS_SQL).
model OutboxMessage {
  /// Also the message's ce_id header, except for a replayed dead letter's (it keeps its own).
  id          String    @id @db.Uuid
  topic       String
  messageKey  String    @map("message_key")
  eventType   String    @map("event_type")
  payload     Bytes
  headers     Json
  traceparent String?
  createdAt   DateTime  @default(now()) @map("created_at") @db.Timestamptz(3)
  publishedAt DateTime? @map("published_at") @db.Timestamptz(3)

  @@map("outbox")
}

/// Messages this service's consumers have handled (@ecommerce/messaging).
model InboxMessage {
  consumer  String
  messageId String   @map("message_id")
  handledAt DateTime @default(now()) @map("handled_at") @db.Timestamptz(3)

  @@id([consumer, messageId])
  @@map("inbox")
}
`;

/** The `dead_letter` model, to paste into the `schema.prisma` of a service that consumes. */
export const DEAD_LETTER_PRISMA_MODEL = `/// Messages this service's consumers dead-lettered (@ecommerce/messaging): what \`<topic>.dlt\`
/// received, kept queryable to list, replay and discard. One row per consumed message, however
/// often it was dead-lettered. The waiting partial index lives in the migration only.
model DeadLetter {
  id            String    @id @db.Uuid
  consumer      String
  topic         String
  partition     Int
  offset        BigInt
  /// The record's Kafka timestamp. With the offset, it tells which record this is: a topic
  /// deleted and created again numbers its records from 0 again.
  producedAt    DateTime  @map("produced_at") @db.Timestamptz(3)
  messageKey    String    @map("message_key")
  /// Its ce_id and ce_type headers; null when it had none (a poison message).
  messageId     String?   @map("message_id")
  eventType     String?   @map("event_type")
  payload       Bytes
  /// The original headers (no dlt_* ones).
  headers       Json
  error         String
  failedAt      DateTime  @map("failed_at") @db.Timestamptz(3)
  /// WAITING, REPLAYED or DISCARDED.
  status        String    @default("WAITING")
  /// The dead letter this one is a failed replay of.
  replayOf      String?   @map("replay_of") @db.Uuid
  replayCount   Int       @default(0) @map("replay_count")
  replayedAt    DateTime? @map("replayed_at") @db.Timestamptz(3)
  replayedBy    String?   @map("replayed_by")
  /// HANDLED, DUPLICATE or DEAD_LETTERED: what the consumer did with the last replay.
  replayOutcome String?   @map("replay_outcome")
  discardedAt   DateTime? @map("discarded_at") @db.Timestamptz(3)
  discardedBy   String?   @map("discarded_by")
  discardReason String?   @map("discard_reason")

  @@unique([consumer, topic, partition, offset, producedAt])
  @@index([failedAt])
  @@map("dead_letter")
}
`;
