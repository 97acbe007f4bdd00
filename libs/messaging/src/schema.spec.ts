import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MESSAGING_MIGRATION_EXTRAS_SQL,
  MESSAGING_PRISMA_MODELS,
  MESSAGING_TABLES_SQL,
} from './schema';

describe('the messaging schema', () => {
  // The README shows the blocks inside a numbered list, indented by three spaces.
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8').replace(/^ {3}/gm, '');

  it('is documented in the README exactly as exported', () => {
    expect(readme).toContain(MESSAGING_PRISMA_MODELS.trim());
    expect(readme).toContain(MESSAGING_TABLES_SQL.trim());
    expect(readme).toContain(MESSAGING_MIGRATION_EXTRAS_SQL.trim());
  });
});
