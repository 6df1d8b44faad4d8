/**
 * @module storage/pg/pgValue
 *
 * One SQLite value as the PostgreSQL column it is copied into takes it. The
 * baseline (019a) keeps SQLite's representations on purpose (times as ISO
 * text, 0/1 flags as smallint, JSON as text, BLOB as bytea), so most values
 * pass through as they are; what is converted is what a later migration may
 * change on PostgreSQL only (a boolean, a jsonb, a bytea fed text), and what
 * would otherwise be copied wrong without an error is refused: an integer
 * past 2^53 (better-sqlite3 already rounded it when reading) and a BLOB in a
 * text column (pg would store its hex form as text).
 */
import type { SqliteValue } from './sqliteSource.js';

const INTEGER_TYPES = new Set(['smallint', 'integer', 'bigint']);

/** Raised for a value that cannot be copied faithfully; names the table, column and row key. */
export class UncopyableValueError extends Error {
  constructor(where: string, why: string) {
    super(`${where}: ${why}`);
    this.name = 'UncopyableValueError';
  }
}

/** `value` from SQLite for a PostgreSQL column of `type` (information_schema's data_type). */
export function toPgValue(value: SqliteValue | undefined, type: string, where: () => string): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (INTEGER_TYPES.has(type)) {
    if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
      throw new UncopyableValueError(where(), `integer ${value} is past 2^53 and was rounded when read from SQLite`);
    }
    return value;
  }
  switch (type) {
    case 'boolean':
      // SQLite keeps flags as 0/1; a text 'true'/'false' is left to PostgreSQL's own parsing.
      return typeof value === 'number' ? value !== 0 : value;
    case 'bytea':
      return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    case 'json':
    case 'jsonb':
      // Sent as text: PostgreSQL parses it, and refuses text that is not JSON.
      return Buffer.isBuffer(value) ? value.toString('utf8') : value;
    default:
      if (Buffer.isBuffer(value) && type !== 'bytea') {
        throw new UncopyableValueError(where(), `a BLOB cannot go into a ${type} column`);
      }
      return value;
  }
}
