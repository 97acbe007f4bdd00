-- A dead letter is one Kafka record: (topic, partition, offset) alone is not, since a topic deleted
-- and created again numbers its records from 0 again. The record's timestamp tells them apart.

-- DropIndex
DROP INDEX "dead_letter_consumer_topic_partition_offset_key";

-- AlterTable
-- Rows recorded before this migration take the time they failed: at worst, a message redelivered
-- after it (its offset not yet committed) is listed twice, once per key.
ALTER TABLE "dead_letter" ADD COLUMN     "produced_at" TIMESTAMPTZ(3);
UPDATE "dead_letter" SET "produced_at" = "failed_at";
ALTER TABLE "dead_letter" ALTER COLUMN "produced_at" SET NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "dead_letter_consumer_topic_partition_offset_produced_at_key" ON "dead_letter"("consumer", "topic", "partition", "offset", "produced_at");
