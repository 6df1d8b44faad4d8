/**
 * Retention: every table that grows with traffic loses its rows past their
 * period and keeps the newer ones, with the time given by an injected clock;
 * replies still owed to a resident and Zalo events not yet handled are kept
 * whatever their age. Before this, neither `unanswered_questions` nor
 * `conversation_state` was ever pruned.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPrune } from '../../src/cli/prune.js';
import { ensureCommune, openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { startPruner } from '../../src/storage/sqlite/pruner.js';
import { pruneExpired, RETAINED_TABLES, type RetentionDays } from '../../src/storage/sqlite/retention.js';
import { fixedClock, memoryLogger, tempDir, testConfig } from '../helpers.js';
import { RETENTION_COMMUNE, RETENTION_DAYS, RETENTION_NOW, seedRetention } from '../contracts/retentionSeed.js';

const C = RETENTION_COMMUNE;
const NOW = RETENTION_NOW;
const DAYS: RetentionDays = RETENTION_DAYS;

/** One old (past its period) and one recent row in every pruned table, plus rows that must stay. */
async function seed(db: Db): Promise<void> {
  await seedRetention((sql, ...args) => void db.prepare(sql).run(...args));
}
const daysAgo = (d: number): string => new Date(NOW.getTime() - d * 86_400_000).toISOString();

/** The first column of every row (read as objects: statements are shared per SQL text, so none is switched to raw mode). */
const column = (db: Db, sql: string): string[] =>
  (db.prepare(sql).all() as Record<string, unknown>[]).map((r) => String(Object.values(r)[0]));

describe('retention', () => {
  let db: Db;
  beforeEach(async () => {
    db = openDatabase(':memory:');
    ensureCommune(db, C);
    await seed(db);
  });
  afterEach(() => db.close());

  it('removes rows past their period in every table and keeps the newer ones', async () => {
    const report = await pruneExpired(db, C, DAYS, NOW);
    expect(report).toEqual({
      unanswered_questions: 1,
      handoff_threads: 1,
      conversation_state: 1,
      link_codes: 1,
      telegram_processed_updates: 1,
      turn_claims: 1,
      telegram_sent_polls: 1,
      telegram_callback_values: 1,
      zalo_events: 1,
      outbox: 2,
      zalo_residents: 1,
      staff_audit: 1,
    });
    expect(column(db, 'SELECT question FROM unanswered_questions')).toEqual(['q-new']);
    expect(column(db, 'SELECT user_id FROM conversation_state')).toEqual(['new']);
    expect(column(db, 'SELECT user_id FROM handoff_threads ORDER BY id')).toEqual(['h-new', 'h-open']);
    expect(column(db, 'SELECT text FROM handoff_messages ORDER BY id')).toEqual(['m-new', 'm-open']);
    expect(column(db, 'SELECT code FROM link_codes')).toEqual(['NEWCODE1']);
    expect(column(db, 'SELECT update_id FROM telegram_processed_updates')).toEqual(['2']);
    expect(column(db, 'SELECT poll_id FROM telegram_sent_polls')).toEqual(['p-new']);
    expect(column(db, 'SELECT id FROM telegram_callback_values')).toEqual(['v-new']);
    expect(column(db, 'SELECT event_key FROM zalo_events ORDER BY event_key')).toEqual(['e-new', 'e-unhandled']);
    expect(column(db, 'SELECT claim_key FROM turn_claims')).toEqual(['telegram:2']);
    expect(column(db, 'SELECT user_id FROM outbox ORDER BY user_id')).toEqual(['held-old', 'pending-old', 'sent-new']);
    expect(column(db, 'SELECT user_id FROM zalo_residents ORDER BY user_id')).toEqual(['held-old', 'z-new']);
    expect(column(db, 'SELECT action FROM staff_audit')).toEqual(['audit-new']);
    // The citizen is no traffic: untouched.
    expect(column(db, 'SELECT id FROM citizens')).toEqual(['c1']);
    expect(RETAINED_TABLES.map((t) => t.table)).toEqual(Object.keys(report));
  });

  it('follows the configured periods, and a second run removes nothing', async () => {
    await pruneExpired(db, C, { questions: 1, conversations: 1, events: 1, audit: 1 }, NOW);
    expect(column(db, 'SELECT question FROM unanswered_questions')).toEqual([]);
    expect(column(db, 'SELECT user_id FROM conversation_state')).toEqual([]);
    expect(await pruneExpired(db, C, { questions: 1, conversations: 1, events: 1, audit: 1 }, NOW)).toEqual({});
  });

  it('prunes a large backlog in batches', async () => {
    const insert = db.prepare(
      `INSERT INTO unanswered_questions (commune_id, channel, question, created_at) VALUES (?, 'web', 'x', ?)`,
    );
    db.transaction(() => {
      for (let i = 0; i < 1_234; i++) insert.run(C, daysAgo(200));
    })();
    expect((await pruneExpired(db, C, DAYS, NOW)).unanswered_questions).toBe(1_235);
    expect(column(db, 'SELECT question FROM unanswered_questions')).toEqual(['q-new']);
  });

  it('runs in the background on the service clock, and says what it removed', async () => {
    const clock = fixedClock(NOW.toISOString());
    const { logger, lines } = memoryLogger();
    const pruner = startPruner({ db, communeId: C, days: DAYS, clock, logger, firstMs: 1, intervalMs: 60_000 });
    try {
      await expect.poll(() => lines.join('')).toContain('old rows pruned');
      expect(column(db, 'SELECT question FROM unanswered_questions')).toEqual(['q-new']);
      // Time moves on: the next round takes what has aged since.
      clock.set(new Date(NOW.getTime() + 2 * 86_400_000).toISOString());
      await pruner.run();
      expect(column(db, 'SELECT question FROM unanswered_questions')).toEqual([]);
    } finally {
      await pruner.stop();
    }
  });

  it('cli prune removes what is past its period now and says so per table', async () => {
    const tmp = tempDir('hocvuso-prune-');
    try {
      const path = join(tmp.dir, 'prune.db');
      const file = openDatabase(path);
      ensureCommune(file, C);
      file
        .prepare(`INSERT INTO unanswered_questions (commune_id, channel, question, created_at) VALUES (?, 'web', ?, ?)`)
        .run(C, 'very old', new Date(Date.now() - 400 * 86_400_000).toISOString());
      file
        .prepare(`INSERT INTO unanswered_questions (commune_id, channel, question, created_at) VALUES (?, 'web', ?, ?)`)
        .run(C, 'today', new Date().toISOString());
      file.close();
      let out = '';
      const stdout = new Writable({
        write(chunk: Buffer, _enc, cb) {
          out += chunk.toString('utf8');
          cb();
        },
      });
      const config = testConfig({ DATABASE_PATH: path, COMMUNE_ID: C });
      expect(await runPrune({ config, logger: memoryLogger().logger, args: [], stdout })).toBe(0);
      expect(out).toContain('unanswered_questions: 1 removed (kept 180 days)');
      expect(out).toContain('conversation_state: 0 removed (kept 90 days)');
      const after = openDatabase(path);
      expect(column(after, 'SELECT question FROM unanswered_questions')).toEqual(['today']);
      after.close();
    } finally {
      tmp.cleanup();
    }
  });
});
