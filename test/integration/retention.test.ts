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

const C = 'hung-chau';
const NOW = new Date('2026-12-01T08:00:00.000Z');
const daysAgo = (d: number): string => new Date(NOW.getTime() - d * 86_400_000).toISOString();
const DAYS: RetentionDays = { questions: 180, conversations: 90, events: 30, audit: 730 };

/** One old (past its period) and one recent row in every pruned table, plus rows that must stay. */
function seed(db: Db): void {
  const run = (sql: string, ...args: unknown[]): void => void db.prepare(sql).run(...args);
  for (const [tag, age] of [
    ['old', 181],
    ['new', 179],
  ] as const) {
    run(
      `INSERT INTO unanswered_questions (commune_id, channel, question, created_at) VALUES (?, 'web', ?, ?)`,
      C,
      `q-${tag}`,
      daysAgo(age),
    );
  }
  const thread = `INSERT INTO handoff_threads (id, commune_id, channel, user_id, status, reason, opened_at, last_at)
                  VALUES (?, ?, 'zalo', ?, ?, 'asked', ?, ?)`;
  run(thread, 1, C, 'h-old', 'closed', daysAgo(200), daysAgo(181));
  run(thread, 2, C, 'h-new', 'closed', daysAgo(200), daysAgo(179));
  run(thread, 3, C, 'h-open', 'open', daysAgo(400), daysAgo(400));
  const said = `INSERT INTO handoff_messages (commune_id, thread_id, author, text, at) VALUES (?, ?, 'resident', ?, ?)`;
  run(said, C, 1, 'm-old', daysAgo(181));
  run(said, C, 2, 'm-new', daysAgo(179));
  run(said, C, 3, 'm-open', daysAgo(400));
  run(`INSERT INTO conversation_state VALUES (?, 'web', 'old', '{}', ?)`, C, daysAgo(91));
  run(`INSERT INTO conversation_state VALUES (?, 'web', 'new', '{}', ?)`, C, daysAgo(89));
  run(
    `INSERT INTO citizens (commune_id, id, consent, created_at, updated_at) VALUES (?, 'c1', 'unasked', ?, ?)`,
    C,
    daysAgo(400),
    daysAgo(400),
  );
  run(
    `INSERT INTO link_codes (commune_id, code, citizen_id, expires_at) VALUES (?, 'OLDCODE1', 'c1', ?)`,
    C,
    daysAgo(31),
  );
  run(
    `INSERT INTO link_codes (commune_id, code, citizen_id, expires_at) VALUES (?, 'NEWCODE1', 'c1', ?)`,
    C,
    daysAgo(29),
  );
  run(`INSERT INTO telegram_processed_updates VALUES (?, 1, ?)`, C, daysAgo(31));
  run(`INSERT INTO telegram_processed_updates VALUES (?, 2, ?)`, C, daysAgo(1));
  run(`INSERT INTO telegram_sent_polls VALUES (?, 'p-old', 'u', 1, 1, 'a', 0, '[]', 0, ?)`, C, daysAgo(31));
  run(`INSERT INTO telegram_sent_polls VALUES (?, 'p-new', 'u', 1, 1, 'a', 0, '[]', 0, ?)`, C, daysAgo(29));
  run(`INSERT INTO telegram_callback_values VALUES (?, 'v-old', 'x', ?)`, C, daysAgo(31));
  run(`INSERT INTO telegram_callback_values VALUES (?, 'v-new', 'x', ?)`, C, daysAgo(29));
  const event = `INSERT INTO zalo_events (commune_id, event_key, user_id, received_at, handled_at) VALUES (?, ?, 'z', ?, ?)`;
  run(event, C, 'e-old', daysAgo(31), daysAgo(31));
  run(event, C, 'e-new', daysAgo(29), daysAgo(29));
  run(event, C, 'e-unhandled', daysAgo(60), null);
  run(`INSERT INTO turn_claims VALUES (?, 'telegram:1', ?)`, C, daysAgo(31));
  run(`INSERT INTO turn_claims VALUES (?, 'telegram:2', ?)`, C, daysAgo(1));
  const out = `INSERT INTO outbox (commune_id, channel, user_id, payload_json, status, next_attempt_at, created_at, sent_at)
               VALUES (?, 'zalo', ?, NULL, ?, ?, ?, ?)`;
  run(out, C, 'sent-old', 'sent', daysAgo(31), daysAgo(31), daysAgo(31));
  run(out, C, 'sent-new', 'sent', daysAgo(29), daysAgo(29), daysAgo(29));
  run(out, C, 'failed-old', 'failed', daysAgo(31), daysAgo(31), null);
  run(out, C, 'held-old', 'held', daysAgo(60), daysAgo(60), null);
  run(out, C, 'pending-old', 'pending', daysAgo(60), daysAgo(60), null);
  const resident = `INSERT INTO zalo_residents (commune_id, user_id, last_interaction_at, updated_at) VALUES (?, ?, ?, ?)`;
  run(resident, C, 'z-old', daysAgo(31), daysAgo(31));
  run(resident, C, 'z-new', daysAgo(29), daysAgo(29));
  // Silent for 60 days, but a reply held for them still waits for their next message.
  run(resident, C, 'held-old', daysAgo(60), daysAgo(60));
  const audit = `INSERT INTO staff_audit (commune_id, at, actor_id, action, details_json) VALUES (?, ?, 'admin', ?, '{}')`;
  run(audit, C, daysAgo(731), 'audit-old');
  run(audit, C, daysAgo(729), 'audit-new');
}

/** The first column of every row (read as objects: statements are shared per SQL text, so none is switched to raw mode). */
const column = (db: Db, sql: string): string[] =>
  (db.prepare(sql).all() as Record<string, unknown>[]).map((r) => String(Object.values(r)[0]));

describe('retention', () => {
  let db: Db;
  beforeEach(() => {
    db = openDatabase(':memory:');
    ensureCommune(db, C);
    seed(db);
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
