-- Record first, deliver later: the consumer records a notification as PENDING and a sender
-- delivers it with retries; UserDeleted erases a user's address and notifications.
-- CreateEnum
CREATE TYPE "notification_status" AS ENUM ('PENDING', 'SENT', 'FAILED');

-- AlterTable
ALTER TABLE "notifications" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "first_attempt_at" TIMESTAMPTZ(3),
ADD COLUMN     "last_error" VARCHAR(500),
ADD COLUMN     "message_id" VARCHAR(255),
ADD COLUMN     "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "sent_at" TIMESTAMPTZ(3),
ADD COLUMN     "status" "notification_status" NOT NULL DEFAULT 'PENDING';

-- CreateTable
CREATE TABLE "erased_users" (
    "user_id" UUID NOT NULL,
    "erased_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "erased_users_pkey" PRIMARY KEY ("user_id")
);

-- Hand-written below: Prisma cannot express a backfill or a partial index, and the drift check
-- does not see them.

-- Before this migration a row got its recipient only once the email had been sent (in the same
-- transaction), so those rows are SENT, once, with the Message-ID the mailer derived from the key.
UPDATE "notifications"
SET "status" = 'SENT',
    "attempts" = 1,
    "first_attempt_at" = "created_at",
    "sent_at" = "created_at",
    "message_id" = '<' || left(encode(sha256(convert_to("dedup_key", 'UTF8')), 'hex'), 32) || '@notification-service>'
WHERE "recipient" IS NOT NULL;

-- What the sender claims (PENDING and due, oldest first) and what the metrics count (PENDING,
-- FAILED): the few rows not SENT, however many were sent.
CREATE INDEX "notifications_unsent_idx" ON "notifications" ("status", "next_attempt_at") WHERE "status" <> 'SENT';
