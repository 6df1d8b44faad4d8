/**
 * What the contract suites (test/contracts/*.contract.ts) need to see of a
 * database beside the repository under test: the rows one commune holds, and
 * a way to put rows into tables no repository of the suite writes (a Zalo
 * event, an outbox row) so erasure has something to erase. SQLite and
 * PostgreSQL each implement it (below, and test/pg/pgContractDb.ts); the
 * suites compare plain rows, so both databases must hand back the same values.
 */
import type { Db } from '../../src/storage/sqlite/db.js';

export type Row = Record<string, unknown>;

export interface TableAccess {
  /** Inserts one row as given (it names its commune_id). */
  insert(table: string, row: Row): Promise<void>;
  /** The commune's rows of `table`, in insertion order where the table has an id. */
  rows(table: string): Promise<Row[]>;
  /** Every row of every table that can hold the commune's data, with its table's name. */
  everyRow(): Promise<{ table: string; row: Row }[]>;
}

/** SQLite: one commune per file, so every row is the commune's. */
export function sqliteTables(db: Db): TableAccess {
  const names = (): string[] =>
    (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
      (t) => t.name,
    );
  const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;
  const all = (table: string): Row[] => {
    const ordered = (db.prepare("SELECT 1 FROM pragma_table_info(?) WHERE name = 'id'").get(table) ?? null) !== null;
    return db.prepare(`SELECT * FROM ${quote(table)}${ordered ? ' ORDER BY id' : ''}`).all() as Row[];
  };
  return {
    insert(table, row) {
      const cols = Object.keys(row);
      db.prepare(
        `INSERT INTO ${quote(table)} (${cols.map(quote).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
      ).run(...cols.map((c) => row[c]));
      return Promise.resolve();
    },
    rows: (table) => Promise.resolve(all(table)),
    everyRow: () =>
      Promise.resolve(
        names().flatMap((table) =>
          (db.prepare(`SELECT * FROM ${quote(table)}`).all() as Row[]).map((row) => ({ table, row })),
        ),
      ),
  };
}
