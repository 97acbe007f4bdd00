-- CreateEnum
CREATE TYPE "notification_type" AS ENUM ('WELCOME', 'ORDER_CONFIRMED', 'ORDER_CANCELLED');

-- CreateTable
CREATE TABLE "notifications" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "type" "notification_type" NOT NULL,
    "channel" VARCHAR(16) NOT NULL DEFAULT 'email',
    "recipient" VARCHAR(320) NOT NULL,
    "subject" VARCHAR(200) NOT NULL,
    "order_id" UUID,
    "dedup_key" VARCHAR(200) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "notifications_dedup_key_key" ON "notifications"("dedup_key");

-- CreateIndex
CREATE INDEX "notifications_user_id_created_at_idx" ON "notifications"("user_id", "created_at");
