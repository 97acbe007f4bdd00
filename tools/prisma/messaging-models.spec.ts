import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEAD_LETTER_MIGRATION_EXTRAS_SQL,
  DEAD_LETTER_PRISMA_MODEL,
  MESSAGING_MIGRATION_EXTRAS_SQL,
  MESSAGING_PRISMA_MODELS,
} from '@ecommerce/messaging';
import { SERVICES } from '../db/services';
import { serviceProject } from './project';

/**
 * The outbox and inbox models are pasted into each service's schema.prisma (Prisma has no
 * import), so this checks every copy against the one source, @ecommerce/messaging: a column
 * changed in one schema and not in the library would otherwise only show at run time.
 */

const MODEL_NAMES = ['OutboxMessage', 'InboxMessage'] as const;

/** `model <name> { ... }`, from its first line to its closing brace; undefined when absent. */
function modelBlock(schema: string, name: string): string | undefined {
  return schema.match(new RegExp(`^model ${name} \\{\\n[\\s\\S]*?^\\}`, 'm'))?.[0];
}

const squash = (sql: string) => sql.replace(/\s+/g, ' ').trim();

describe('modelBlock', () => {
  it('cuts one model out of a schema, and nothing of the next one', () => {
    const schema = 'model A {\n  id Int @id\n}\n\nmodel B {\n  id Int @id\n}\n';
    expect(modelBlock(schema, 'A')).toBe('model A {\n  id Int @id\n}');
    expect(modelBlock(schema, 'C')).toBeUndefined();
  });
});

describe.each(SERVICES)("the messaging models in %s's schema.prisma", (service) => {
  const project = serviceProject(service);
  const schema = readFileSync(project.schemaPath, 'utf8');
  const declared = MODEL_NAMES.filter((name) => modelBlock(schema, name) !== undefined);

  it('declares the outbox, the inbox or both, each exactly as the library has it', () => {
    expect(declared.length).toBeGreaterThan(0);
    expect(declared.map((name) => modelBlock(schema, name))).toEqual(
      declared.map((name) => modelBlock(MESSAGING_PRISMA_MODELS, name)),
    );
  });

  const migrations = () =>
    readdirSync(project.migrationsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) =>
        readFileSync(join(project.migrationsDir, entry.name, 'migration.sql'), 'utf8'),
      );

  if (declared.includes('OutboxMessage')) {
    it('has the outbox index and NOTIFY trigger in a migration', () => {
      const extras = squash(MESSAGING_MIGRATION_EXTRAS_SQL);
      expect(migrations().some((sql) => squash(sql).includes(extras))).toBe(true);
    });
  }

  if (declared.includes('InboxMessage')) {
    it('consumes, so keeps its dead letters as the library has them, and has an outbox to replay them', () => {
      expect(modelBlock(schema, 'DeadLetter')).toBe(
        modelBlock(DEAD_LETTER_PRISMA_MODEL, 'DeadLetter'),
      );
      expect(declared).toContain('OutboxMessage');
      const extras = squash(DEAD_LETTER_MIGRATION_EXTRAS_SQL);
      expect(migrations().some((sql) => squash(sql).includes(extras))).toBe(true);
    });
  }
});
