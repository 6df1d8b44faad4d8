/**
 * The PostgreSQL schema against the SQLite one, both as their migrations
 * leave them: the same tables, columns (and which may be NULL), primary keys,
 * named indexes and report triggers, and the typed `Database` interface
 * naming exactly the live columns. A SQLite migration that adds any of these
 * without its PostgreSQL twin fails here.
 */
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { DATABASE_COLUMNS } from '../../src/storage/pg/schemaColumns.js';
import { PG_MIGRATIONS, PG_ONLY_MIGRATIONS } from '../../src/storage/pg/migrations/index.js';
import { MIGRATIONS } from '../../src/storage/sqlite/migrations/index.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';
import { tempDir } from '../helpers.js';

/**
 * SQLite-only tables with no PostgreSQL twin: the FTS5 search index and its
 * shadow tables (on PostgreSQL the index is built in the process from
 * `chunks`), SQLite's own, and each side's migration ledger.
 */
const SQLITE_ONLY = /^(chunks_fts.*|chunks_vocab|sqlite_.*|schema_migrations)$/;
const PG_ONLY = /^kysely_migration.*$/;

/**
 * PostgreSQL-only migrations: what SQLite (one commune per file, no row-level
 * security) has no use for. Each takes a number no SQLite migration uses, and
 * adds no table, column, index or trigger (those the checks below compare);
 * what it does add is listed here, and the live schema must have exactly that.
 */
/** What each PostgreSQL-only migration adds past row-level security: SECURITY DEFINER functions, extra policies. */
const PG_ONLY_EXTRAS: Readonly<Record<string, { functions: string[]; policies: string[] }>> = {
  // The province view reads every commune's id and name, in a transaction that asks for it.
  '023_province_read': { functions: [], policies: ['province_read'] },
  // The webhook's lookup of a channel key before its commune is known (SECURITY DEFINER).
  '024_channel_lookup': { functions: ['channel_by_key'], policies: ['channel_key_lookup'] },
  // The audit log's retention pruning, the one deletion the app role may still ask for (SECURITY DEFINER).
  '025_staff_audit_append_only': { functions: ['prune_staff_audit'], policies: [] },
};

interface Table {
  readonly columns: Record<string, { readonly notNull: boolean }>;
  readonly primaryKey: readonly string[];
}

function sqliteSchema(db: Db): Map<string, Table> {
  const names = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as {
    name: string;
  }[];
  const out = new Map<string, Table>();
  for (const { name } of names) {
    if (SQLITE_ONLY.test(name)) continue;
    const info = db.prepare(`SELECT name, "notnull", pk FROM pragma_table_info(?)`).all(name) as {
      name: string;
      notnull: number;
      pk: number;
    }[];
    const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
    out.set(name, {
      // A primary-key column is NOT NULL on PostgreSQL whatever SQLite's declaration says.
      columns: Object.fromEntries(info.map((c) => [c.name, { notNull: c.notnull === 1 || c.pk > 0 }])),
      primaryKey: pk.map((c) => c.name),
    });
  }
  return out;
}

async function pgSchema(db: Kysely<unknown>): Promise<Map<string, Table>> {
  const cols = await sql<{ table_name: string; column_name: string; is_nullable: string }>`
    SELECT c.table_name, c.column_name, c.is_nullable FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
     ORDER BY c.table_name, c.ordinal_position`.execute(db);
  const pks = await sql<{ table_name: string; column_name: string }>`
    SELECT tc.table_name, k.column_name FROM information_schema.table_constraints tc
      JOIN information_schema.key_column_usage k
        ON k.constraint_schema = tc.constraint_schema AND k.constraint_name = tc.constraint_name
     WHERE tc.table_schema = 'public' AND tc.constraint_type = 'PRIMARY KEY'
     ORDER BY tc.table_name, k.ordinal_position`.execute(db);
  const out = new Map<string, { columns: Record<string, { notNull: boolean }>; primaryKey: string[] }>();
  for (const c of cols.rows) {
    if (PG_ONLY.test(c.table_name)) continue;
    const t = out.get(c.table_name) ?? { columns: {}, primaryKey: [] };
    t.columns[c.column_name] = { notNull: c.is_nullable === 'NO' };
    out.set(c.table_name, t);
  }
  for (const k of pks.rows) out.get(k.table_name)?.primaryKey.push(k.column_name);
  return out;
}

describe('PostgreSQL schema parity with SQLite (every migration)', () => {
  let t: TestDatabase;
  let pg: Kysely<unknown>;
  let lite: Db;
  let cleanup: () => void;

  beforeAll(async () => {
    t = await createMigratedDatabase();
    pg = connect<unknown>(t.ownerUrl);
    const dir = tempDir();
    cleanup = dir.cleanup;
    lite = openDatabase(join(dir.dir, 'parity.db'));
  });
  afterAll(async () => {
    lite?.close();
    cleanup?.();
    await pg?.destroy();
    await t?.drop();
  });

  it('has every table of the SQLite schema, and no other', async () => {
    const sqliteTables = [...sqliteSchema(lite).keys()].sort();
    const pgTables = [...(await pgSchema(pg)).keys()].sort();
    expect(sqliteTables.length).toBeGreaterThanOrEqual(45);
    expect(pgTables).toEqual(sqliteTables);
  });

  it('has the same columns, NOT NULL columns and primary key in every table', async () => {
    const pgTables = await pgSchema(pg);
    for (const [name, table] of sqliteSchema(lite)) {
      expect({ table: name, ...pgTables.get(name) }).toEqual({ table: name, ...table });
    }
  });

  it('has every named index and every trigger of the SQLite schema, under the same names', async () => {
    const liteIndexes = (
      lite.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`).all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    // Indexes PostgreSQL made for a PRIMARY KEY or UNIQUE constraint are SQLite's autoindexes (no sql).
    const pgIndexes = await sql<{ indexname: string }>`
      SELECT ic.relname AS indexname FROM pg_index x
        JOIN pg_class ic ON ic.oid = x.indexrelid
        JOIN pg_class tc ON tc.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = tc.relnamespace
       WHERE n.nspname = 'public' AND tc.relname NOT LIKE 'kysely%'
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)`.execute(pg);
    expect(pgIndexes.rows.map((r) => r.indexname).sort()).toEqual(liteIndexes.sort());

    const liteTriggers = (
      lite.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name`).all() as { name: string }[]
    ).map((r) => r.name);
    const pgTriggers = await sql<{ tgname: string }>`
      SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname`.execute(pg);
    expect(pgTriggers.rows.map((r) => r.tgname).sort()).toEqual(liteTriggers.sort());
  });

  it('is described by the typed Database interface, column for column', async () => {
    const live = Object.fromEntries([...(await pgSchema(pg))].map(([name, t]) => [name, Object.keys(t.columns)]));
    expect(Object.fromEntries(Object.entries(DATABASE_COLUMNS).map(([name, columns]) => [name, [...columns]]))).toEqual(
      live,
    );
  });

  it('twins every SQLite migration above 19 by name, and lists every PostgreSQL-only one with its reason', () => {
    const pad = (v: number): string => String(v).padStart(3, '0');
    const twins = MIGRATIONS.filter((m) => m.version > 19).map((m) => `${pad(m.version)}_${m.name}`);
    const pgNames = Object.keys(PG_MIGRATIONS).sort();
    // Every SQLite migration after the baseline has its PostgreSQL twin under the same name.
    expect(twins.filter((name) => !pgNames.includes(name))).toEqual([]);
    // A PostgreSQL migration is the baseline, a twin, or declared PostgreSQL-only (with a reason).
    const unexplained = pgNames.filter(
      (name) => name !== '019a_baseline' && !twins.includes(name) && PG_ONLY_MIGRATIONS[name] === undefined,
    );
    expect(unexplained).toEqual([]);
    for (const [name, why] of Object.entries(PG_ONLY_MIGRATIONS)) {
      expect(pgNames).toContain(name);
      expect(why.length).toBeGreaterThan(10);
      // A PostgreSQL-only number ('023_…', not the baseline's '019b_…') is never also a SQLite version.
      const number = /^(\d{3})_/.exec(name)?.[1];
      if (number !== undefined) expect(MIGRATIONS.map((m) => pad(m.version))).not.toContain(number);
    }
  });

  it('runs as its owner only the functions, and has only the extra policies, of the PostgreSQL-only list', async () => {
    expect(Object.keys(PG_ONLY_EXTRAS).sort()).toEqual(
      Object.keys(PG_ONLY_MIGRATIONS)
        .filter((n) => !n.startsWith('019'))
        .sort(),
    );
    const listed = Object.values(PG_ONLY_EXTRAS);
    // SECURITY DEFINER: the ways past row-level security. The report triggers' helpers run as their caller.
    const functions = await sql<{ proname: string }>`
      SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname = 'public' AND p.prosecdef ORDER BY p.proname`.execute(pg);
    expect(functions.rows.map((r) => r.proname)).toEqual(listed.flatMap((m) => m.functions).sort());
    const policies = await sql<{ policyname: string }>`
      SELECT DISTINCT policyname FROM pg_policies
       WHERE schemaname = 'public' AND policyname <> 'commune_isolation' ORDER BY policyname`.execute(pg);
    expect(policies.rows.map((r) => r.policyname)).toEqual(listed.flatMap((m) => m.policies).sort());
  });
});
