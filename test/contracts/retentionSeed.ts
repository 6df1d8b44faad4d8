/**
 * The rows both retention tests prune: test/integration/retention.test.ts
 * (SQLite) and test/pg/pgRetention.test.ts (PostgreSQL), so the two
 * databases are held to the same rules on the same rows.
 */
import type { RetentionDays } from '../../src/storage/sqlite/retention.js';

/** The commune the rows belong to. */
export const RETENTION_COMMUNE = 'hung-chau';
const C = RETENTION_COMMUNE;
/** The time the pruning runs at. */
export const RETENTION_NOW = new Date('2026-12-01T08:00:00.000Z');
const NOW = RETENTION_NOW;
const daysAgo = (d: number): string => new Date(NOW.getTime() - d * 86_400_000).toISOString();
export const RETENTION_DAYS: RetentionDays = { questions: 180, conversations: 90, events: 30, audit: 730 };

/**
 * One old (past its period) and one recent row in every pruned table, plus
 * rows that must stay. `run` executes one statement with `?` placeholders
 * (SQLite's; the PostgreSQL test numbers them). Statements run in order.
 */
export async function seedRetention(run: (sql: string, ...args: unknown[]) => void | Promise<void>): Promise<void> {
  for (const [tag, age] of [
    ['old', 181],
    ['new', 179],
  ] as const) {
    await run(
      `INSERT INTO unanswered_questions (commune_id, channel, question, created_at) VALUES (?, 'web', ?, ?)`,
      C,
      `q-${tag}`,
      daysAgo(age),
    );
  }
  const thread = `INSERT INTO handoff_threads (id, commune_id, channel, user_id, status, reason, opened_at, last_at)
                  VALUES (?, ?, 'zalo', ?, ?, 'asked', ?, ?)`;
  await run(thread, 1, C, 'h-old', 'closed', daysAgo(200), daysAgo(181));
  await run(thread, 2, C, 'h-new', 'closed', daysAgo(200), daysAgo(179));
  await run(thread, 3, C, 'h-open', 'open', daysAgo(400), daysAgo(400));
  const said = `INSERT INTO handoff_messages (commune_id, thread_id, author, text, at) VALUES (?, ?, 'resident', ?, ?)`;
  await run(said, C, 1, 'm-old', daysAgo(181));
  await run(said, C, 2, 'm-new', daysAgo(179));
  await run(said, C, 3, 'm-open', daysAgo(400));
  await run(`INSERT INTO conversation_state VALUES (?, 'web', 'old', '{}', ?)`, C, daysAgo(91));
  await run(`INSERT INTO conversation_state VALUES (?, 'web', 'new', '{}', ?)`, C, daysAgo(89));
  await run(
    `INSERT INTO citizens (commune_id, id, consent, created_at, updated_at) VALUES (?, 'c1', 'unasked', ?, ?)`,
    C,
    daysAgo(400),
    daysAgo(400),
  );
  await run(
    `INSERT INTO link_codes (commune_id, code, citizen_id, expires_at) VALUES (?, 'OLDCODE1', 'c1', ?)`,
    C,
    daysAgo(31),
  );
  await run(
    `INSERT INTO link_codes (commune_id, code, citizen_id, expires_at) VALUES (?, 'NEWCODE1', 'c1', ?)`,
    C,
    daysAgo(29),
  );
  await run(`INSERT INTO telegram_processed_updates VALUES (?, 1, ?)`, C, daysAgo(31));
  await run(`INSERT INTO telegram_processed_updates VALUES (?, 2, ?)`, C, daysAgo(1));
  await run(`INSERT INTO telegram_sent_polls VALUES (?, 'p-old', 'u', 1, 1, 'a', 0, '[]', 0, ?)`, C, daysAgo(31));
  await run(`INSERT INTO telegram_sent_polls VALUES (?, 'p-new', 'u', 1, 1, 'a', 0, '[]', 0, ?)`, C, daysAgo(29));
  await run(`INSERT INTO telegram_callback_values VALUES (?, 'v-old', 'x', ?)`, C, daysAgo(31));
  await run(`INSERT INTO telegram_callback_values VALUES (?, 'v-new', 'x', ?)`, C, daysAgo(29));
  const event = `INSERT INTO zalo_events (commune_id, event_key, user_id, received_at, handled_at) VALUES (?, ?, 'z', ?, ?)`;
  await run(event, C, 'e-old', daysAgo(31), daysAgo(31));
  await run(event, C, 'e-new', daysAgo(29), daysAgo(29));
  await run(event, C, 'e-unhandled', daysAgo(60), null);
  await run(`INSERT INTO turn_claims VALUES (?, 'telegram:1', ?)`, C, daysAgo(31));
  await run(`INSERT INTO turn_claims VALUES (?, 'telegram:2', ?)`, C, daysAgo(1));
  const out = `INSERT INTO outbox (commune_id, channel, user_id, payload_json, status, next_attempt_at, created_at, sent_at)
               VALUES (?, 'zalo', ?, NULL, ?, ?, ?, ?)`;
  await run(out, C, 'sent-old', 'sent', daysAgo(31), daysAgo(31), daysAgo(31));
  await run(out, C, 'sent-new', 'sent', daysAgo(29), daysAgo(29), daysAgo(29));
  await run(out, C, 'failed-old', 'failed', daysAgo(31), daysAgo(31), null);
  await run(out, C, 'held-old', 'held', daysAgo(60), daysAgo(60), null);
  await run(out, C, 'pending-old', 'pending', daysAgo(60), daysAgo(60), null);
  const resident = `INSERT INTO zalo_residents (commune_id, user_id, last_interaction_at, updated_at) VALUES (?, ?, ?, ?)`;
  await run(resident, C, 'z-old', daysAgo(31), daysAgo(31));
  await run(resident, C, 'z-new', daysAgo(29), daysAgo(29));
  // Silent for 60 days, but a reply held for them still waits for their next message.
  await run(resident, C, 'held-old', daysAgo(60), daysAgo(60));
  const audit = `INSERT INTO staff_audit (commune_id, at, actor_id, action, details_json) VALUES (?, ?, 'admin', ?, '{}')`;
  await run(audit, C, daysAgo(731), 'audit-old');
  await run(audit, C, daysAgo(729), 'audit-new');
}
