/**
 * @module storage/pg/pgSql
 *
 * Small pieces the PostgreSQL repositories share.
 *
 * Times are ISO-8601 text (migrations/019a_baseline explains why), and the
 * SQLite repositories compare and sort them with SQLite's byte-wise BINARY
 * collation. A PostgreSQL database may have been created with a linguistic
 * collation (en_US.UTF-8), which orders punctuation and case differently, so
 * every comparison or ordering of such text here says `COLLATE "C"` (byte
 * order), the same order SQLite uses.
 */
import { sql, type RawBuilder } from 'kysely';

/** `column COLLATE "C"`: compares and sorts like SQLite's BINARY. */
export function bytewise(column: string): RawBuilder<string> {
  return sql<string>`${sql.ref(column)} COLLATE "C"`;
}

/**
 * The time the database writes when SQLite's code says
 * `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`: UTC, milliseconds, a Z.
 */
export function nowIso(): RawBuilder<string> {
  return sql<string>`to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
