-- AlterTable
ALTER TABLE "notifications" ADD COLUMN     "traceparent" VARCHAR(55);
