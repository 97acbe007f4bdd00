import { migrationTimestamp, normalizeMigrationName } from './migrations-folder';

describe('migration folder names', () => {
  it('prefixes a UTC timestamp that sorts in time order', () => {
    expect(migrationTimestamp(new Date('2026-12-01T12:00:05.123Z'))).toBe('20261201120005');
    expect(migrationTimestamp(new Date('2026-12-01T13:00:05+01:00'))).toBe('20261201120005');
  });

  it('keeps names to word characters, lower case', () => {
    expect(normalizeMigrationName('add_order_timeline')).toBe('add_order_timeline');
    expect(normalizeMigrationName(' Add outbox & inbox! ')).toBe('add_outbox_inbox');
  });

  it('refuses a name with nothing usable in it', () => {
    expect(() => normalizeMigrationName('--')).toThrow('not a usable migration name');
  });
});
