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

/** The complete DDL: {@link MESSAGING_TABLES_SQL} then {@link MESSAGING_MIGRATION_EXTRAS_SQL}. */
export const MESSAGING_SCHEMA_SQL = `${MESSAGING_TABLES_SQL}\n${MESSAGING_MIGRATION_EXTRAS_SQL}`;

/** The Prisma models for the two tables, to paste into a service's `schema.prisma`. */
export const MESSAGING_PRISMA_MODELS = `/// Transactional outbox (@ecommerce/messaging). The partial index and the NOTIFY trigger
/// live in the migration only (MESSAGING_MIGRATION_EXTRAS_SQL).
model OutboxMessage {
  /// Also the message's ce_id header.
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
