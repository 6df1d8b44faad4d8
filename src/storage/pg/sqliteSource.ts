/**
 * @module storage/pg/sqliteSource
 *
 * The SQLite side of the move to PostgreSQL (`cli migrate-to-pg`): which
 * tables and columns the file has, how many rows, and the rows themselves in
 * pages. It only reads. Every read runs inside one read transaction
 * (`snapshot`), so the counts checked at the end and the rows copied are the
 * same state of the file even if a process still writes to it (WAL keeps the
 * snapshot; whatever is written after it is not copied).
 *
 * Pages are keyset pages (`WHERE key > last ORDER BY key LIMIT n`) read with
 * `.all()`: statements are shared per SQL text (sqlite/db.ts keepStatements),
 * so `.iterate()` and mode switches (`.raw()`, `.pluck()`, `.safeIntegers()`)
 * are never used. The key is the rowid for ordinary tables (never NULL,
 * unique, the table's own order) and the primary key for WITHOUT ROWID tables.
 */
import type { Db } from '../sqlite/db.js';

/** A value as better-sqlite3 returns it (integers as numbers: the default mode). */
export type SqliteValue = number | bigint | string | Buffer | null;
export type SqliteRow = Record<string, SqliteValue>;

/**
 * SQLite tables with no PostgreSQL twin, on purpose (test/pg/schemaParity.test.ts):
 * the FTS5 index and its shadow tables (PostgreSQL builds the search index in
 * the process from `chunks`), SQLite's own tables, and the migration ledger.
 */
export const SQLITE_ONLY_TABLES = /^(chunks_fts.*|chunks_vocab|sqlite_.*|schema_migrations)$/;

export interface SqliteTable {
  readonly name: string;
  readonly columns: readonly string[];
  /** The keyset key: `['rowid']` for an ordinary table, the primary key of a WITHOUT ROWID one. */
  readonly key: readonly string[];
}

/** Where a page ends: the next page starts after it. */
export type PageCursor = readonly SqliteValue[];

/** The column name the rowid is read under, so no real column can clash with it. */
const ROWID = '__hocvuso_rowid';

/** Table and column names are plain identifiers; anything else is refused rather than quoted by hand. */
function ident(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a plain SQLite identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

export class SqliteSource {
  private inSnapshot = false;

  constructor(private readonly db: Db) {}

  /**
   * Opens the read transaction every later read sees (BEGIN is deferred: the
   * snapshot starts at the first read, right after). End it with `release`.
   */
  snapshot(): void {
    if (this.db.inTransaction) throw new Error('the SQLite connection is already in a transaction');
    this.db.prepare('BEGIN').run();
    this.inSnapshot = true;
  }

  /** Ends the read transaction (nothing was written, so it only lets the snapshot go). */
  release(): void {
    if (!this.inSnapshot) return;
    this.inSnapshot = false;
    if (this.db.inTransaction) this.db.prepare('ROLLBACK').run();
  }

  /** Every table but SQLite's own, by name, with its columns in declaration order. */
  tables(): Map<string, SqliteTable> {
    const rows = this.db
      .prepare(`SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table' ORDER BY name`)
      .all() as { name: string; wr: number }[];
    const out = new Map<string, SqliteTable>();
    for (const { name, wr } of rows) {
      if (/^sqlite_/.test(name)) continue;
      const info = this.db.prepare('SELECT name, pk FROM pragma_table_info(?) ORDER BY cid').all(name) as {
        name: string;
        pk: number;
      }[];
      const primaryKey = info
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name);
      out.set(name, { name, columns: info.map((c) => c.name), key: wr === 1 ? primaryKey : ['rowid'] });
    }
    return out;
  }

  count(table: string): number {
    const row = this.db.prepare(`SELECT COUNT(*) AS n FROM ${ident(table)}`).get() as { n: number };
    return row.n;
  }

  /** The distinct values of `column` in `table` (the commune ids a table holds). */
  distinct(table: string, column: string): SqliteValue[] {
    const rows = this.db.prepare(`SELECT DISTINCT ${ident(column)} AS v FROM ${ident(table)} ORDER BY 1`).all() as {
      v: SqliteValue;
    }[];
    return rows.map((r) => r.v);
  }

  /** `sqlite_sequence` for an AUTOINCREMENT table: the largest id ever given, deleted rows included (0 when none). */
  autoincrementSeq(table: string): number {
    const exists = this.db.prepare(
      `SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'`,
    );
    if (exists.get() === undefined) return 0;
    const row = this.db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').get(table) as
      { seq: number } | undefined;
    return row?.seq ?? 0;
  }

  /**
   * Up to `limit` rows of `table` (only `columns`) after `after` (from the
   * start when undefined), in key order; `next` is undefined on the last page.
   */
  page(
    table: SqliteTable,
    columns: readonly string[],
    after: PageCursor | undefined,
    limit: number,
  ): { rows: SqliteRow[]; next: PageCursor | undefined } {
    const byRowid = table.key.length === 1 && table.key[0] === 'rowid';
    const keyCols = byRowid ? ['rowid'] : table.key.map(ident);
    const keyNames = byRowid ? [ROWID] : [...table.key];
    const select = [byRowid ? `rowid AS ${ROWID}` : undefined, ...columns.map(ident)].filter(Boolean).join(', ');
    const tuple = keyCols.length === 1 ? keyCols[0] : `(${keyCols.join(', ')})`;
    const marks = keyCols.length === 1 ? '?' : `(${keyCols.map(() => '?').join(', ')})`;
    const where = after === undefined ? '' : ` WHERE ${tuple} > ${marks}`;
    const text = `SELECT ${select} FROM ${ident(table.name)}${where} ORDER BY ${keyCols.join(', ')} LIMIT ?`;
    const rows = this.db.prepare(text).all(...(after ?? []), limit) as SqliteRow[];
    const last = rows[rows.length - 1];
    const next = rows.length < limit || last === undefined ? undefined : keyNames.map((k) => last[k] ?? null);
    if (byRowid) for (const row of rows) delete row[ROWID];
    return { rows, next };
  }
}
