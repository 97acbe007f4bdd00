import { countStatements, databaseOf, statementTotal } from './sql';

const line = (pid: number, db: string, text: string) =>
  `2025-12-04 01:09:00.123 UTC [${pid}] postgres@${db} LOG:  ${text}`;

describe('countStatements', () => {
  it('counts simple and extended-protocol statements by keyword, per database', () => {
    const log = [
      line(10, 'ecommerce_order', 'statement: BEGIN'),
      line(10, 'ecommerce_order', 'execute <unnamed>: SELECT "id" FROM "Order" WHERE "id" = $1'),
      `2025-12-04 01:09:00.124 UTC [10] postgres@ecommerce_order DETAIL:  parameters: $1 = 'x'`,
      line(10, 'ecommerce_order', 'execute s1: insert into outbox'),
      '\tVALUES ($1, $2)',
      line(10, 'ecommerce_order', 'statement: COMMIT'),
      line(11, 'ecommerce_inventory', 'execute <unnamed>: UPDATE stock SET n = n - 1'),
      line(12, 'postgres', 'statement: SELECT 1'),
      line(13, 'ecommerce_order', 'duration: 0.1 ms'),
    ].join('\n');
    const counts = countStatements(log, ['ecommerce_order', 'ecommerce_inventory']);
    expect(counts['ecommerce_order']).toEqual({
      statements: { BEGIN: 1, SELECT: 1, INSERT: 1, COMMIT: 1 },
      transactions: 1,
    });
    expect(counts['ecommerce_inventory']).toEqual({ statements: { UPDATE: 1 }, transactions: 1 });
    expect(counts['postgres']).toBeUndefined();
    expect(statementTotal(counts['ecommerce_order'] as never)).toBe(4);
  });

  it('finds the keyword of a statement that begins with a newline on the next line', () => {
    const log = [
      line(1, 'db', 'execute <unnamed>: '),
      '      UPDATE stock',
      '      SET n = n - 1',
    ].join('\n');
    expect(countStatements(log, ['db'])['db']?.statements).toEqual({ UPDATE: 1 });
  });

  it('counts a statement outside BEGIN … COMMIT as a transaction of its own, per backend', () => {
    const log = [
      line(1, 'db', 'statement: BEGIN'),
      line(2, 'db', 'execute <unnamed>: SELECT 1'),
      line(1, 'db', 'execute <unnamed>: SELECT 2'),
      line(2, 'db', 'execute <unnamed>: SELECT 3'),
      line(1, 'db', 'statement: ROLLBACK'),
    ].join('\n');
    expect(countStatements(log, ['db'])['db']?.transactions).toBe(3);
  });

  it('carries an open block across chunks of the log', () => {
    const open = new Map<number, boolean>();
    countStatements(line(1, 'db', 'statement: BEGIN'), ['db'], open);
    const second = countStatements(
      [line(1, 'db', 'execute <unnamed>: SELECT 1'), line(1, 'db', 'statement: COMMIT')].join('\n'),
      ['db'],
      open,
    );
    expect(second['db']?.transactions).toBe(1);
  });
});

describe('databaseOf', () => {
  it('reads the database of a URL', () => {
    expect(databaseOf('postgresql://postgres:pw@127.0.0.1:5432/ecommerce_order')).toBe(
      'ecommerce_order',
    );
  });
});
