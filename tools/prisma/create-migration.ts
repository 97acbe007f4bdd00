import { relative } from 'node:path';
import { pendingChanges } from './diff';
import { migrationTimestamp, normalizeMigrationName, writeMigration } from './migrations-folder';
import { REPO_ROOT, type ServiceProject } from './project';

export type CreateMigrationResult = { created: true; path: string } | { created: false };

/**
 * `prisma migrate dev --create-only`, offline: the SQL from "every migration
 * applied" to "schema.prisma" (see `pendingChanges`), written to
 * `migrations/<UTC timestamp>_<name>/migration.sql`. Nothing is written when
 * the migrations already build the schema. `serverUrl`: see `pendingChanges`.
 *
 * (The engine's own `createMigration` would do the same, but its wasm build
 * does not ask the adapter for a shadow database; its `diff` does.)
 */
export async function createMigration(
  project: ServiceProject,
  name: string,
  serverUrl: string,
  now: Date = new Date(),
): Promise<CreateMigrationResult> {
  const folderName = `${migrationTimestamp(now)}_${normalizeMigrationName(name)}`;
  const { changed, script } = await pendingChanges(project, serverUrl);
  if (!changed) return { created: false };
  const path = await writeMigration(project.migrationsDir, folderName, script);
  return { created: true, path: relative(REPO_ROOT, path) };
}
