/**
 * SQL statements and transactions per order, counted from what the Postgres server executed.
 *
 * Why the server log: pg_stat_statements would count statements for free, but it only works
 * when preloaded (shared_preload_libraries), which needs a restart, and the bench must not
 * restart a Postgres that other runs share. `pg_stat_database` has transaction counters but no
 * statement counter, and an idle backend flushes its counters up to 10 s late. So, for a
 * measured window only: `ALTER SYSTEM SET log_statement = 'all'` + `pg_reload_conf()` (no
 * restart; every session, pooled ones included, picks it up at its next command), then count
 * the `statement:` / `execute <name>:` lines each service database wrote, then restore the
 * setting, in a `finally` and on Ctrl-C. Logging costs CPU, so the CPU window is a separate one.
 *
 * Transactions come from the same lines, per backend pid: BEGIN … COMMIT/ROLLBACK is one, and a
 * statement outside a block is its own (autocommit). Idle work (outbox relays, the saga sweep,
 * the mail sender) also runs statements: a quiet stretch with logging on gives their rate, and
 * the per-order figure is net of it, like CPU.
 */
import { closeSync, openSync, readSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'pg';

/** Statements of one database by leading keyword (SELECT, INSERT, BEGIN, …), and transactions. */
export interface SqlCounts {
  statements: Record<string, number>;
  transactions: number;
}

/** Total statements of a {@link SqlCounts}. */
export function statementTotal(counts: SqlCounts): number {
  return Object.values(counts.statements).reduce((sum, n) => sum + n, 0);
}

const STATEMENT_LINE =
  /\[(\d+)\][^\n]*?@(\S+) [^\n]*?LOG: {2}(?:statement|execute [^:\s]+): ([\s\S]*)$/;

/**
 * Counts the logged statements of `databases` in a chunk of server log. Each line needs
 * `[%p]` and `%u@%d` in its prefix (Debian's default `%m [%p] %q%u@%d `); continuation lines of
 * a multi-line statement and `DETAIL: parameters` lines have no `LOG:  statement`, and so are
 * not counted. Per-pid state carries across lines (and across calls through `open`).
 */
export function countStatements(
  log: string,
  databases: readonly string[],
  open: Map<number, boolean> = new Map(),
): Record<string, SqlCounts> {
  const counts: Record<string, SqlCounts> = Object.fromEntries(
    databases.map((db) => [db, { statements: {}, transactions: 0 }]),
  );
  const lines = log.split('\n');
  for (const [i, line] of lines.entries()) {
    const match = STATEMENT_LINE.exec(line);
    if (!match) continue;
    const pid = Number(match[1]);
    const db = counts[match[2] as string];
    if (!db) continue;
    // A statement written as a template literal starts with a newline: its keyword is on the
    // next (unprefixed) line.
    const text = (match[3] as string).trim() === '' ? (lines[i + 1] ?? '') : (match[3] as string);
    const kind = (/^\s*([A-Za-z]+)/.exec(text)?.[1] ?? 'OTHER').toUpperCase();
    db.statements[kind] = (db.statements[kind] ?? 0) + 1;
    const inBlock = open.get(pid) ?? false;
    if (kind === 'BEGIN' || kind === 'START') {
      open.set(pid, true);
    } else if (kind === 'COMMIT' || kind === 'ROLLBACK' || kind === 'END' || kind === 'ABORT') {
      if (inBlock) db.transactions += 1;
      open.set(pid, false);
    } else if (!inBlock) {
      db.transactions += 1;
    }
  }
  return counts;
}

/** The database name of a postgres:// URL (`/ecommerce_order` → `ecommerce_order`). */
export function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

/** Where this server writes its log, or why the bench cannot read it. */
export async function findServerLog(
  client: Client,
  postmasterPid: number | undefined,
): Promise<{ file: string } | { missing: string }> {
  const collector = (
    await client.query<{ on: string }>(`SELECT current_setting('logging_collector') AS on`)
  ).rows[0]?.on;
  if (collector === 'on') {
    const row = (
      await client.query<{ file: string | null; dir: string }>(
        `SELECT pg_current_logfile('stderr') AS file, current_setting('data_directory') AS dir`,
      )
    ).rows[0];
    if (!row?.file) return { missing: 'logging_collector is on but writes no stderr log' };
    return { file: row.file.startsWith('/') ? row.file : join(row.dir, row.file) };
  }
  // Without the collector, stderr is wherever the service manager pointed it (Debian's
  // pg_ctlcluster: /var/log/postgresql/postgresql-15-main.log): the postmaster's fd 2 says.
  if (postmasterPid === undefined)
    return { missing: 'the postmaster is not visible in /proc (remote Postgres?)' };
  try {
    const file = readlinkSync(`/proc/${postmasterPid}/fd/2`);
    if (!file.startsWith('/') || !statSync(file).isFile())
      return { missing: `the postmaster's stderr is ${file}, not a file` };
    return { file };
  } catch (error) {
    return { missing: `cannot read /proc/${postmasterPid}/fd/2: ${(error as Error).message}` };
  }
}

/** The size of the log now: where the next window's lines begin. */
export function logSize(file: string): number {
  return statSync(file).size;
}

/** The bytes of `file` from `from` to `to` (what one window appended). */
export function readRange(file: string, from: number, to: number): string {
  if (to <= from) return '';
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(to - from);
    readSync(fd, buffer, 0, buffer.length, from);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

interface SavedSetting {
  name: string;
  /** The ALTER SYSTEM value before ours, if there was one: restored as it was. */
  previous: string | undefined;
}

/**
 * Turns statement logging on for the whole server (ALTER SYSTEM + reload) until {@link restore}.
 * Adds `%p` and `%d` to log_line_prefix for the window when they are missing.
 */
export class StatementLogging {
  private saved: SavedSetting[] = [];

  private constructor(private readonly client: Client) {}

  static async enable(client: Client): Promise<StatementLogging> {
    const logging = new StatementLogging(client);
    try {
      await logging.set('log_statement', 'all');
      const prefix =
        (await client.query<{ p: string }>(`SELECT current_setting('log_line_prefix') AS p`))
          .rows[0]?.p ?? '';
      if (!prefix.includes('%p') || !prefix.includes('%d'))
        await logging.set('log_line_prefix', '%m [%p] %q%u@%d ');
      await client.query('SELECT pg_reload_conf()');
      // Backends re-read the configuration when they next go idle: give them a moment.
      await new Promise((resolve) => setTimeout(resolve, 300));
    } catch (error) {
      await logging.restore();
      throw error;
    }
    return logging;
  }

  private async set(name: string, value: string): Promise<void> {
    const previous = (
      await this.client.query<{ setting: string }>(
        `SELECT setting FROM pg_file_settings WHERE name = $1 AND sourcefile LIKE '%postgresql.auto.conf' AND applied`,
        [name],
      )
    ).rows[0]?.setting;
    // ALTER SYSTEM takes no parameters: the values are ours or read back from the server, quoted.
    await this.client.query(`ALTER SYSTEM SET ${name} = ${quote(value)}`);
    this.saved.push({ name, previous });
  }

  /** Puts every changed setting back (or RESETs it) and reloads; safe to call twice. */
  async restore(): Promise<void> {
    const saved = this.saved.reverse();
    this.saved = [];
    for (const { name, previous } of saved) {
      await this.client.query(
        previous === undefined
          ? `ALTER SYSTEM RESET ${name}`
          : `ALTER SYSTEM SET ${name} = ${quote(previous)}`,
      );
    }
    if (saved.length > 0) await this.client.query('SELECT pg_reload_conf()');
  }
}

function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
