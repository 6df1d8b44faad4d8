/**
 * @module storage/pg/copyCatalog
 *
 * What the move from SQLite (migrateFromSqlite.ts) must know about the live
 * PostgreSQL schema, read from the catalog rather than written down, so a
 * table or column added by a later migration is copied without touching this
 * code: each table's columns and their types, the foreign keys (for the copy
 * order), identity columns (to move their sequences), which tables have
 * FORCE ROW LEVEL SECURITY, and the user triggers (the report triggers of
 * 019b) that are switched off while rows are copied.
 */
import { sql, type Kysely } from 'kysely';
import { DATABASE_COLUMNS } from './schemaColumns.js';

/** Kysely's own ledger tables: not the app's, never copied or emptied. */
const LEDGER = /^kysely_migration/;

export interface PgColumn {
  readonly name: string;
  /** information_schema's data_type: 'text', 'bigint', 'smallint', 'boolean', 'bytea', 'jsonb', … */
  readonly type: string;
}

export interface PgCatalog {
  /** The app's tables (not Kysely's ledger), each with its columns in order. */
  readonly tables: ReadonlyMap<string, readonly PgColumn[]>;
  /** child → parents it references (self-references left out). */
  readonly parents: ReadonlyMap<string, ReadonlySet<string>>;
  /** Identity (or serial) columns, as [table, column]. */
  readonly identities: readonly (readonly [string, string])[];
  /** Tables with FORCE ROW LEVEL SECURITY (019c), to lift and restore around the copy. */
  readonly forced: readonly string[];
  /** Enabled user triggers, as [table, trigger], to disable and re-enable around the copy. */
  readonly triggers: readonly (readonly [string, string])[];
}

export async function readPgCatalog(db: Kysely<unknown>): Promise<PgCatalog> {
  const cols = await sql<{ table_name: string; column_name: string; data_type: string }>`
    SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
     ORDER BY c.table_name, c.ordinal_position`.execute(db);
  const tables = new Map<string, PgColumn[]>();
  for (const c of cols.rows) {
    if (LEDGER.test(c.table_name)) continue;
    const list = tables.get(c.table_name) ?? [];
    list.push({ name: c.column_name, type: c.data_type });
    tables.set(c.table_name, list);
  }

  const fks = await sql<{ child: string; parent: string }>`
    SELECT ch.relname AS child, pa.relname AS parent FROM pg_constraint k
      JOIN pg_class ch ON ch.oid = k.conrelid JOIN pg_class pa ON pa.oid = k.confrelid
     WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace`.execute(db);
  const parents = new Map<string, Set<string>>();
  for (const { child, parent } of fks.rows) {
    if (child === parent) continue;
    const set = parents.get(child) ?? new Set<string>();
    set.add(parent);
    parents.set(child, set);
  }

  const ids = await sql<{ table_name: string; column_name: string }>`
    SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')
     ORDER BY table_name, column_name`.execute(db);

  const forced = await sql<{ relname: string }>`
    SELECT relname FROM pg_class
     WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r' AND relforcerowsecurity
     ORDER BY relname`.execute(db);

  const triggers = await sql<{ relname: string; tgname: string }>`
    SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
     WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal AND t.tgenabled <> 'D'
     ORDER BY c.relname, t.tgname`.execute(db);

  return {
    tables,
    parents,
    identities: ids.rows.filter((r) => !LEDGER.test(r.table_name)).map((r) => [r.table_name, r.column_name] as const),
    forced: forced.rows.map((r) => r.relname),
    triggers: triggers.rows.map((r) => [r.relname, r.tgname] as const),
  };
}

/**
 * `tables` ordered so every table comes after the tables it references
 * (parents first), ties in the order the migrations create them
 * (DATABASE_COLUMNS), then by name. Throws on a cycle, which a copy in one
 * pass could not satisfy.
 */
export function foreignKeyOrder(
  tables: readonly string[],
  parents: ReadonlyMap<string, ReadonlySet<string>>,
): string[] {
  const known = Object.keys(DATABASE_COLUMNS);
  const rank = (t: string): number => {
    const i = known.indexOf(t);
    return i === -1 ? known.length : i;
  };
  const pending = [...tables].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const wanted = new Set(tables);
  const done = new Set<string>();
  const out: string[] = [];
  while (pending.length > 0) {
    const i = pending.findIndex((t) => [...(parents.get(t) ?? [])].every((p) => done.has(p) || !wanted.has(p)));
    if (i === -1) throw new Error(`foreign keys form a cycle among: ${pending.join(', ')}`);
    const [t] = pending.splice(i, 1) as [string];
    done.add(t);
    out.push(t);
  }
  return out;
}

/**
 * Tables the connected role may not alter (it neither owns them nor is a
 * superuser). The copy lifts FORCE ROW LEVEL SECURITY and disables triggers,
 * which only an owner may do, and the migrations must run as the owner too.
 */
export async function tablesNotOwned(db: Kysely<unknown>): Promise<string[]> {
  const { rows } = await sql<{ relname: string }>`
    SELECT c.relname FROM pg_class c
     WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
       AND c.relname NOT LIKE 'kysely_migration%'
       AND NOT pg_has_role(current_user, c.relowner, 'USAGE')
       AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
     ORDER BY c.relname`.execute(db);
  return rows.map((r) => r.relname);
}
