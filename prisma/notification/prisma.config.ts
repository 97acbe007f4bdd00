import { defineConfig } from 'prisma/config';

/**
 * The stock Prisma CLI's view of the notification service (paths are relative to this file):
 *   npx prisma migrate deploy --config prisma/notification/prisma.config.ts   (needs the native engine: internet)
 *   npm run db:migrate -- notification                                        (the same migrations, offline)
 * Keep the default URL in step with tools/db/services.ts (a unit test checks it).
 */
const host = process.env['PGHOST'] || '127.0.0.1';
const port = process.env['PGPORT'] || '5432';

export default defineConfig({
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  datasource: {
    url:
      process.env['NOTIFICATION_DATABASE_URL'] ||
      `postgresql://postgres@${host}:${port}/ecommerce_notification`,
  },
});
