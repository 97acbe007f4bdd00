-- CreateTable
CREATE TABLE "signing_keys" (
    "kid" VARCHAR(64) NOT NULL,
    "private_key_pem" TEXT NOT NULL,
    "public_jwk" JSONB NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retired_at" TIMESTAMPTZ(3),

    CONSTRAINT "signing_keys_pkey" PRIMARY KEY ("kid")
);

-- Hand-written below: Prisma schemas cannot express partial indexes or CHECK constraints,
-- and the drift check (npm run db:check) does not see them, so keep them here.

-- At most one active key: two instances booting at once against an empty table both try
-- to insert one; the second insert fails here and that instance loads the winner's key.
CREATE UNIQUE INDEX "signing_keys_one_active_key" ON "signing_keys" ("active") WHERE "active";

-- A key is either signing (active, never retired) or retired (with the time it stopped).
ALTER TABLE "signing_keys" ADD CONSTRAINT "signing_keys_retired_check"
  CHECK ("active" = ("retired_at" IS NULL));
