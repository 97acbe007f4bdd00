-- An order event may arrive before its user's UserRegistered (two topics, read independently):
-- its notification is then recorded without a recipient and sent when the registration comes.
-- AlterTable
ALTER TABLE "notifications" ADD COLUMN     "body" TEXT,
ALTER COLUMN "recipient" DROP NOT NULL;

-- Hand-written below: Prisma cannot express a partial index, and the drift check does not see it.

-- The notifications a registration releases: few, found by user.
CREATE INDEX "notifications_waiting_idx" ON "notifications" ("user_id") WHERE "recipient" IS NULL;
