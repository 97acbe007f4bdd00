import { parseArgs } from 'node:util';
import {
  createDatabaseIfMissing,
  databaseNameOf,
  dropDatabaseIfExists,
  dropLiveScratchDatabases,
} from '../db/admin';
import { databaseUrl, selectServices, type Service } from '../db/services';
import { applyMigrations } from './apply-migrations';
import { createMigration } from './create-migration';
import { pendingChanges } from './diff';
import { lastEnginePanic } from './engine';
import { generateClient } from './generate-client';
import { serviceProject, type ServiceProject } from './project';

/**
 * The offline stand-in for `prisma migrate ...` (see README.md):
 *   tsx tools/prisma/cli.ts <command> [service...] [--prisma-dir <dir>]
 * One line per service; exit code 1 when any service fails.
 */

interface Context {
  project(service: Service): ServiceProject;
}

type Command = (services: Service[], args: string[], context: Context) => Promise<boolean>;

/** Runs `work` per service in turn, printing its line or its error; true when all succeeded. */
async function eachService(
  services: Service[],
  work: (service: Service) => Promise<string | { ok: false; line: string }>,
): Promise<boolean> {
  let ok = true;
  for (const service of services) {
    try {
      const result = await work(service);
      if (typeof result === 'string') {
        console.log(`${service}: ${result}`);
      } else {
        ok = false;
        console.error(`${service}: ${result.line}`);
      }
    } catch (error) {
      ok = false;
      console.error(`${service}: FAILED: ${(error as Error).message}`);
    }
  }
  return ok;
}

const indent = (text: string) => text.trimEnd().replace(/^/gm, '    ');
const migrations = (count: number) => `${count} migration${count === 1 ? '' : 's'}`;

const commands: Record<string, { usage: string; run: Command }> = {
  create: {
    usage: 'create [service...]              create each service database if missing',
    run: (services) =>
      eachService(services, async (service) => {
        const url = databaseUrl(service);
        const created = await createDatabaseIfMissing(url);
        return `${created ? 'created' : 'exists:'} ${databaseNameOf(url)}`;
      }),
  },
  migrate: {
    usage: 'migrate [service...]             apply pending migrations (prisma migrate deploy)',
    run: (services, _args, context) =>
      eachService(services, async (service) => {
        const url = databaseUrl(service);
        const { applied, total } = await applyMigrations(context.project(service), url);
        const name = databaseNameOf(url);
        return applied.length > 0
          ? `applied ${migrations(applied.length)} to ${name}: ${applied.join(', ')}`
          : `${name} is up to date (${migrations(total)})`;
      }),
  },
  'migrate:create': {
    usage:
      'migrate:create <service> <name>  write the migration schema.prisma needs (prisma migrate dev --create-only)',
    run: async (services, args, context) => {
      const [name, ...extra] = args;
      if (services.length !== 1 || !name || extra.length > 0)
        throw new UsageError(
          'migrate:create takes one service and one name, e.g. `order add_saga_state`',
        );
      const [service] = services as [Service];
      return eachService([service], async () => {
        const result = await createMigration(context.project(service), name, databaseUrl(service));
        if (!result.created)
          return { ok: false, line: 'schema.prisma matches its migrations: nothing to create' };
        return `wrote ${result.path}: review it, then npm run db:migrate -- ${service}`;
      });
    },
  },
  check: {
    usage: 'check [service...]               fail when a schema.prisma and its migrations disagree',
    run: (services, _args, context) =>
      eachService(services, async (service) => {
        const { changed, script } = await pendingChanges(
          context.project(service),
          databaseUrl(service),
        );
        if (!changed) return 'schema.prisma matches its migrations';
        return {
          ok: false,
          line: `DRIFT: schema.prisma and its migrations disagree (fix the schema, or npm run db:migrate:create -- ${service} <name>). Missing migration SQL:\n${indent(script)}`,
        };
      }),
  },
  generate: {
    usage: 'generate [service...]            prisma generate, offline',
    run: (services, _args, context) =>
      eachService(services, async (service) => {
        const output = await generateClient(context.project(service));
        return output.match(/Generated Prisma Client.*/)?.[0] ?? 'generated';
      }),
  },
  reset: {
    usage:
      'reset [service...]               drop, recreate and migrate each database (development only)',
    run: (services, _args, context) => {
      if (process.env['NODE_ENV'] === 'production')
        throw new UsageError('reset refuses to run with NODE_ENV=production');
      return eachService(services, async (service) => {
        const url = databaseUrl(service);
        await dropDatabaseIfExists(url);
        const { applied } = await applyMigrations(context.project(service), url);
        return `recreated ${databaseNameOf(url)} and applied ${migrations(applied.length)}`;
      });
    },
  },
};

class UsageError extends Error {}

function usage(): string {
  return [
    'usage: tsx tools/prisma/cli.ts <command> [--prisma-dir <dir>]',
    ...Object.values(commands).map((command) => `  ${command.usage}`),
    'services: user inventory order payment notification (none given: all)',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'prisma-dir': { type: 'string' } },
  });
  const [commandName, ...rest] = positionals;
  const command = commandName ? commands[commandName] : undefined;
  if (!command)
    throw new UsageError(commandName ? `unknown command "${commandName}"` : 'no command given');
  // migrate:create's second argument is a migration name, not a service.
  const [services, args] =
    commandName === 'migrate:create'
      ? [selectServices(rest.slice(0, 1)), rest.slice(1)]
      : [selectServices(rest), []];
  const context: Context = { project: (service) => serviceProject(service, values['prisma-dir']) };
  return (await command.run(services, args, context)) ? 0 : 1;
}

process.on('uncaughtException', (error) => {
  // A Rust panic inside the wasm engine surfaces here, detached from any await.
  const panic = lastEnginePanic();
  console.error(panic ? `schema engine panicked: ${panic}` : error);
  void dropLiveScratchDatabases().finally(() => process.exit(1));
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof UsageError ? `${error.message}\n\n${usage()}` : error);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
