import { PrismaPg } from '@prisma/adapter-pg';
import {
  ColumnTypeEnum,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlQueryable,
} from '@prisma/driver-adapter-utils';
import pg from 'pg';

/**
 * `@prisma/adapter-pg` 7.10, fixed in two places the schema engine depends on.
 *
 * Scripts. adapter-pg's `executeScript` splits a migration on every `;` and
 * runs the pieces one by one, so a `;` in a comment, a string or a function
 * body breaks the migration, and a failure leaves it half applied. The native
 * engine sends the whole script as one simple query, which Postgres runs as
 * one implicit transaction; `executeScript` here does the same.
 *
 * Catalog reads.
 * To read back a database's schema the engine queries catalog columns such as
 * `pg_constraint.contype`, whose type is Postgres's internal one-byte `"char"`
 * (OID 18). adapter-pg 7.10 maps no column type for that OID and fails the
 * whole query ("Column type 'char' could not be deserialized"), so every
 * diff against a real or shadow database fails. The engine expects such a
 * column as its `Character` type, and pg hands over the value as a
 * one-character string. So:
 *   1. each pg client relabels OID 18 columns as `text` (which adapter-pg
 *      accepts) and remembers, per result, which columns it relabelled;
 *   2. the adapter's `queryRaw` turns those columns back into `Character`.
 * Result rows are the one object that travels unchanged from pg through
 * adapter-pg, so they key the side channel. Nothing else changes.
 */

const CHAR_OID = 18;
const TEXT_OID = 25;

const charColumnsByRows = new WeakMap<object, number[]>();

function relabelCharColumns(result: unknown): unknown {
  for (const single of Array.isArray(result) ? result : [result]) {
    const { fields, rows } = (single ?? {}) as Partial<pg.QueryResult>;
    if (!fields || !rows) continue;
    const charColumns: number[] = [];
    fields.forEach((field, index) => {
      if (field.dataTypeID !== CHAR_OID) return;
      field.dataTypeID = TEXT_OID;
      charColumns.push(index);
    });
    if (charColumns.length > 0) charColumnsByRows.set(rows, charColumns);
  }
  return result;
}

/** Wraps `client.query` in both call shapes pg uses: a trailing callback (`pool.query`) or a returned promise. */
function relabelCharColumnsOf(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const relabelling = (...args: unknown[]): unknown => {
    const callback = args.at(-1);
    if (typeof callback === 'function') {
      args[args.length - 1] = (error: unknown, result: unknown) =>
        callback(error, error ? result : relabelCharColumns(result));
      return query(...args);
    }
    const pending = query(...args);
    return pending instanceof Promise ? pending.then(relabelCharColumns) : pending;
  };
  Object.assign(client, { query: relabelling });
}

function restoreCharColumns<T extends SqlQueryable>(queryable: T): T {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const resultSet = await queryRaw(query);
    for (const index of charColumnsByRows.get(resultSet.rows) ?? []) {
      resultSet.columnTypes[index] = ColumnTypeEnum.Character;
    }
    return resultSet;
  };
  return queryable;
}

function isPostgresError(error: unknown): error is pg.DatabaseError {
  return error instanceof pg.DatabaseError;
}

/** One simple query: every statement runs, in one implicit transaction, exactly as the script was written. */
async function executeWholeScript(pool: pg.Pool, script: string): Promise<void> {
  try {
    await pool.query(script);
  } catch (error) {
    if (!isPostgresError(error)) throw error;
    // The shape adapter-pg gives the engine, so its messages ("Migration ... failed to apply") stay the same.
    throw new DriverAdapterError({
      kind: 'postgres',
      code: error.code ?? 'N/A',
      severity: error.severity ?? 'N/A',
      message: error.message,
      detail: error.detail,
      column: error.column,
      hint: error.hint,
    });
  }
}

export async function connectPostgresAdapter(connectionString: string): Promise<SqlDriverAdapter> {
  const pool = new pg.Pool({ connectionString, max: 2 });
  pool.on('connect', relabelCharColumnsOf);
  // adapter-pg brings its own, newer @types/pg: the same Pool, a different declaration.
  const external = pool as unknown as ConstructorParameters<typeof PrismaPg>[0];
  const adapter = restoreCharColumns(
    await new PrismaPg(external, { disposeExternalPool: true }).connect(),
  );
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) =>
    restoreCharColumns(await startTransaction(isolationLevel));
  adapter.executeScript = (script) => executeWholeScript(pool, script);
  return adapter;
}
