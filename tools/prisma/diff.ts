import { withScratchDatabase } from '../db/admin';
import { withEngine } from './engine';
import { NO_FILTER } from './filters';
import { readMigrationsFolder } from './migrations-folder';
import { readSchemaFiles, type ServiceProject } from './project';

export interface PendingChanges {
  /** True when schema.prisma describes something the migrations do not create. */
  changed: boolean;
  /** The SQL that would take a database from "all migrations applied" to schema.prisma. */
  script: string;
}

/**
 * `prisma migrate diff --from-migrations <dir> --to-schema schema.prisma --script --exit-code`:
 * the engine replays the migrations folder on a shadow database (a scratch
 * database it gets from our adapter factory and that is dropped afterwards),
 * reads back what they built and diffs that against the datamodel.
 *
 * Everything a migration builds that Prisma schemas cannot express (CHECK
 * constraints, for one) is invisible to that comparison: it is neither
 * required by schema.prisma nor reported as extra, so hand-written additions
 * never count as drift.
 *
 * `serverUrl` names any database on the server (and credentials) to use: the
 * shadow and scratch databases are created there and dropped afterwards. No
 * existing database is read or written.
 */
export async function pendingChanges(
  project: ServiceProject,
  serverUrl: string,
): Promise<PendingChanges> {
  const schemaFiles = await readSchemaFiles(project);
  const migrationsList = await readMigrationsFolder(project.migrationsDir);
  if (migrationsList.lockfile.content === null) {
    // The engine would refuse without it; an empty folder simply means "everything is pending".
    migrationsList.lockfile.content = 'provider = "postgresql"\n';
  }
  // The engine wants a main connection even to diff; a scratch database keeps it away from real data.
  return withScratchDatabase(serverUrl, 'diff', (url) =>
    withEngine({ url, schemaFiles }, async (engine) => {
      const result = await engine.diff({
        from: { tag: 'migrations', ...migrationsList },
        to: { tag: 'schemaDatamodel', files: schemaFiles },
        script: true,
        exitCode: true,
        filters: NO_FILTER,
      });
      return { changed: result.exitCode === 2, script: result.stdout ?? '' };
    }),
  );
}
