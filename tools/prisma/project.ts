import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Service } from '../db/services';

/** Where a service's Prisma files live: `<prismaDir>/<service>/{schema.prisma,migrations/}`. */

export const REPO_ROOT = resolve(__dirname, '../..');
export const DEFAULT_PRISMA_DIR = join(REPO_ROOT, 'prisma');

export interface ServiceProject {
  service: Service;
  dir: string;
  schemaPath: string;
  configPath: string;
  migrationsDir: string;
}

export function serviceProject(
  service: Service,
  prismaDir: string = DEFAULT_PRISMA_DIR,
): ServiceProject {
  const dir = resolve(prismaDir, service);
  return {
    service,
    dir,
    schemaPath: join(dir, 'schema.prisma'),
    configPath: join(dir, 'prisma.config.ts'),
    migrationsDir: join(dir, 'migrations'),
  };
}

/** The schema in the shape the engine takes. One file per service. */
export async function readSchemaFiles(
  project: ServiceProject,
): Promise<{ path: string; content: string }[]> {
  if (!existsSync(project.schemaPath))
    throw new Error(`${project.service}: no schema at ${project.schemaPath}`);
  return [{ path: project.schemaPath, content: await readFile(project.schemaPath, 'utf8') }];
}
