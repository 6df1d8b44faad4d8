/**
 * Retention pruning on PostgreSQL (storage/pg/pgRetention.ts, pgPruner.ts,
 * jobLock.ts): the rows of test/contracts/retentionSeed.ts go exactly as
 * they go on SQLite, and of two processes (two pools) pruning at once one
 * does the work and the other skips (the job's advisory lock).
 */
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_RETAINED_TABLES, pgPruneExpired } from '../../src/storage/pg/pgRetention.js';
import { startPgPruner } from '../../src/storage/pg/pgPruner.js';
import type { Database } from '../../src/storage/pg/schema.js';
import { ensureCommune, openDatabase } from '../../src/storage/sqlite/db.js';
import { pruneExpired, RETAINED_TABLES, type PruneReport } from '../../src/storage/sqlite/retention.js';
import { RETENTION_COMMUNE as C, RETENTION_DAYS, RETENTION_NOW, seedRetention } from '../contracts/retentionSeed.js';
import { fixedClock, memoryLogger } from '../helpers.js';
import { connect, createMigratedDatabase, type TestDatabase } from './pgTestDb.js';

/** What each table keeps after the pruning, by a column that names its rows. */
const KEPT: readonly [string, string][] = [
  ['unanswered_questions', 'question'],
  ['handoff_threads', 'user_id'],
  ['handoff_messages', 'text'],
  ['conversation_state', 'user_id'],
  ['link_codes', 'code'],
  ['telegram_processed_updates', 'update_id'],
  ['turn_claims', 'claim_key'],
  ['telegram_sent_polls', 'poll_id'],
  ['telegram_callback_values', 'id'],
  ['zalo_events', 'event_key'],
  ['outbox', 'user_id'],
  ['zalo_residents', 'user_id'],
  ['staff_audit', 'action'],
  ['citizens', 'id'],
];

/** Resolves once `check` holds, looking every 20 ms (a bounded wait, not a timing assertion). */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never happened: ${what}`);
}

/** The same rows on SQLite, pruned by SQLite's rules: the report and what each table keeps. */
async function onSqlite(): Promise<{ report: PruneReport; kept: Record<string, string[]> }> {
  const db = openDatabase(':memory:');
  try {
    ensureCommune(db, C);
    await seedRetention((text, ...args) => void db.prepare(text).run(...args));
    const report = await pruneExpired(db, C, RETENTION_DAYS, RETENTION_NOW);
    const kept: Record<string, string[]> = {};
    for (const [table, column] of KEPT) {
      const rows = db.prepare(`SELECT ${column} AS v FROM ${table}`).all() as { v: unknown }[];
      kept[table] = rows.map((r) => String(r.v)).sort();
    }
    return { report, kept };
  } finally {
    db.close();
  }
}

describe('retention pruning on PostgreSQL', () => {
  let t: TestDatabase;
  let one: Kysely<Database>;
  let two: Kysely<Database>;
  let admin: Kysely<Database>;
  let seeder: pg.Client;

  beforeAll(async () => {
    t = await createMigratedDatabase();
    one = connect<Database>(t.appUrl, 2);
    two = connect<Database>(t.appUrl, 2);
    admin = connect<Database>(t.adminUrl, 2);
    // The rows go in as the administrator (row-level security does not filter it), with SQLite's statements.
    seeder = new pg.Client({ connectionString: t.adminUrl });
    await seeder.connect();
    await seeder.query('INSERT INTO communes (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [
      C,
      'Xã Hùng Châu',
    ]);
    await seedRetention(async (text, ...args) => {
      let n = 0;
      await seeder.query(
        text.replace(/\?/g, () => `$${++n}`),
        args,
      );
    });
  });
  afterAll(async () => {
    await seeder?.end();
    await one?.destroy();
    await two?.destroy();
    await admin?.destroy();
    await t?.drop();
  });

  it('prunes the same tables in the same order as SQLite', () => {
    expect(PG_RETAINED_TABLES).toEqual(RETAINED_TABLES);
  });

  it('runs once when two processes prune at the same time, and deletes what SQLite deletes', async () => {
    // The administrator holds the last table, so the first process is still pruning when the second starts.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const taken = new Promise<void>((resolve) => (locked = resolve));
    const holder = admin.transaction().execute(async (trx) => {
      await sql`LOCK TABLE staff_audit IN ACCESS EXCLUSIVE MODE`.execute(trx);
      locked();
      await held;
    });
    await taken;

    const first = pgPruneExpired(one, C, RETENTION_DAYS, RETENTION_NOW);
    await until(async () => {
      const { rows } = await sql<{ n: number }>`
        SELECT COUNT(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(admin);
      return (rows[0]?.n ?? 0) >= 1;
    }, 'the first process waiting on staff_audit');

    const { logger, lines } = memoryLogger();
    const pruner = startPgPruner({
      db: two,
      communeId: C,
      days: RETENTION_DAYS,
      clock: fixedClock(RETENTION_NOW.toISOString()),
      logger,
      firstMs: 3_600_000,
    });
    expect(await pruner.run()).toBeUndefined();
    await pruner.stop();
    expect(lines.join('')).toContain('another process is running it');

    release();
    await holder;
    const report = await first;
    const lite = await onSqlite();
    expect(report).toEqual(lite.report);
    expect(report).toMatchObject({ turn_claims: 1 });

    for (const [table, column] of KEPT) {
      const { rows } = await sql<{ v: unknown }>`SELECT ${sql.ref(column)} AS v FROM ${sql.table(table)}`.execute(
        admin,
      );
      expect({ table, kept: rows.map((r) => String(r.v)).sort() }).toEqual({ table, kept: lite.kept[table] });
    }
    // Nothing left to do: a run that got the lock deletes nothing more.
    expect(await pgPruneExpired(two, C, RETENTION_DAYS, RETENTION_NOW)).toEqual({});
  });
});
