import { createDatabaseIfMissing } from '../db/admin';
import { withEngine } from './engine';
import { NO_FILTER } from './filters';
import { readMigrationsFolder } from './migrations-folder';
import { readSchemaFiles, type ServiceProject } from './project';

export interface ApplyResult {
  /** Whether the database had to be created first. */
  createdDatabase: boolean;
  /** Migrations applied now, in order; empty when the database was up to date. */
  applied: string[];
  /** Migrations in the folder. */
  total: number;
}

/**
 * `prisma migrate deploy`, offline: creates the database if missing (as the
 * CLI does), then applies every migration not yet recorded in its
 * `_prisma_migrations` table, recording each one exactly as the CLI does.
 * The engine refuses when an applied migration has failed or been edited.
 */
export async function applyMigrations(project: ServiceProject, url: string): Promise<ApplyResult> {
  const schemaFiles = await readSchemaFiles(project);
  const migrationsList = await readMigrationsFolder(project.migrationsDir);
  const createdDatabase = await createDatabaseIfMissing(url);
  const { appliedMigrationNames } = await withEngine({ url, schemaFiles }, (engine) =>
    engine.applyMigrations({ migrationsList, filters: NO_FILTER }),
  );
  return {
    createdDatabase,
    applied: appliedMigrationNames,
    total: migrationsList.migrationDirectories.length,
  };
}
