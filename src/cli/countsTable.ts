/**
 * @module cli/countsTable
 *
 * The table `cli migrate-to-pg` ends with: per table, the rows on each side
 * and whether they match, headed in Vietnamese for the staff who run it
 * (Bảng, SQLite, PostgreSQL, Khớp), numbers right-aligned.
 */
import type { TableCount } from '../storage/pg/migrateFromSqlite.js';

/** A count as Vietnamese readers write it (12.000). */
export const vi = (n: number): string => n.toLocaleString('vi-VN');

/** The counts per table as staff read them: Bảng, SQLite, PostgreSQL, Khớp. */
export function countsTable(counts: readonly TableCount[]): string {
  const head = ['Bảng', 'SQLite', 'PostgreSQL', 'Khớp'] as const;
  const rows = counts.map((c) => [c.table, vi(c.sqlite), vi(c.pg), c.sqlite === c.pg ? 'có' : 'KHÔNG'] as const);
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === 1 || i === 2 ? cell.padStart(width[i] ?? 0) : cell.padEnd(width[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(head), line(width.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
