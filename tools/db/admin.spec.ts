import { databaseNameOf, quoteIdentifier, redactUrl, withDatabaseName } from './admin';

describe('database URLs', () => {
  it('reads and replaces the database name, keeping server and credentials', () => {
    const url = 'postgresql://app:s3cret@db:5433/ecommerce_order?sslmode=disable';
    expect(databaseNameOf(url)).toBe('ecommerce_order');
    expect(withDatabaseName(url, 'postgres')).toBe(
      'postgresql://app:s3cret@db:5433/postgres?sslmode=disable',
    );
  });

  it('refuses a URL without a database name', () => {
    expect(() => databaseNameOf('postgresql://postgres@127.0.0.1:5432/')).toThrow(
      'no database name',
    );
  });

  it('never prints a password', () => {
    expect(redactUrl('postgresql://app:s3cret@db/x')).toBe('postgresql://app:***@db/x');
  });

  it('quotes identifiers', () => {
    expect(quoteIdentifier('we"ird')).toBe('"we""ird"');
  });
});
