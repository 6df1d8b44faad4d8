/**
 * Where a person still appears in the database, for the erasure tests
 * (erasure.test.ts, erasure.zalo.test.ts): every value of every row the
 * database's `TableAccess` reaches (SQLite: every table of the file, virtual
 * ones included; PostgreSQL: every table carrying commune_id, which is every
 * table that can hold a resident's data), searched case-insensitively.
 */
import type { TableAccess } from '../contracts/tables.js';

/** A value as text: strings, bytes as UTF-8, numbers, and anything structured as its JSON. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return '';
}

/** Where any of `needles` still appears, as "table.column: needle". */
export async function traces(tables: TableAccess, needles: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const { table, row } of await tables.everyRow()) {
    for (const [column, value] of Object.entries(row)) {
      const text = textOf(value).toLowerCase();
      for (const n of needles) if (text.includes(n.toLowerCase())) found.push(`${table}.${column}: ${n}`);
    }
  }
  return [...new Set(found)];
}

/** The tables holding at least one row. */
export async function tablesWithRows(tables: TableAccess): Promise<string[]> {
  return [...new Set((await tables.everyRow()).map((r) => r.table))];
}
