/**
 * @module storage/sqlite/erasure
 *
 * A resident's right to erase their data, as SQL over every table that can
 * hold something about them: the citizen with their identities, link codes,
 * attempts, passes and completion (cascading from `citizens`), and what each
 * of their channel identities left elsewhere — logged questions, conversation
 * state, Zalo events, outbox and window rows, Telegram polls, callback values,
 * blocked-chat marks, handoff threads with staff, and an ignored learning-loop
 * group anchored on one of their questions. Passes and the programme completion first become
 * anonymous counts (hamlet, group, quiz, day), so the commune's figures stay
 * true. A table added later is covered by the test that scans every table
 * (test/integration/erasure.test.ts), not by this list alone.
 */
import type { ChannelName } from '../../core/messages.js';
import type { Identity } from '../../core/registry/types.js';
import type { Db } from './db.js';

/** Every statement, with named parameters: @commune, and @channel/@user or @citizen. */
const SQL = {
  citizenOf: `SELECT citizen_id AS id FROM citizen_identities
      WHERE commune_id = @commune AND channel = @channel AND user_id = @user`,
  identities: `SELECT channel, user_id AS userId FROM citizen_identities WHERE commune_id = @commune AND citizen_id = @citizen`,
  anonymousPasses: `INSERT INTO anonymous_passes (commune_id, hamlet, target_group, quiz_id, passed_on, passes)
      SELECT p.commune_id, COALESCE(TRIM(c.hamlet), ''), COALESCE(TRIM(c.target_group), ''), p.quiz_id,
             substr(p.passed_at, 1, 10), COUNT(*)
        FROM quiz_passes p JOIN citizens c ON c.commune_id = p.commune_id AND c.id = p.citizen_id
       WHERE p.commune_id = @commune AND p.citizen_id = @citizen
       GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (commune_id, hamlet, target_group, quiz_id, passed_on) DO UPDATE SET passes = passes + excluded.passes`,
  anonymousCompletions: `INSERT INTO anonymous_completions (commune_id, hamlet, target_group, completed_on, completions)
      SELECT pc.commune_id, COALESCE(TRIM(c.hamlet), ''), COALESCE(TRIM(c.target_group), ''),
             substr(pc.completed_at, 1, 10), COUNT(*)
        FROM programme_completions pc JOIN citizens c ON c.commune_id = pc.commune_id AND c.id = pc.citizen_id
       WHERE pc.commune_id = @commune AND pc.citizen_id = @citizen
       GROUP BY 1, 2, 3, 4
    ON CONFLICT (commune_id, hamlet, target_group, completed_on) DO UPDATE SET completions = completions + excluded.completions`,
  // Button values longer than Telegram allows are kept by id; a quiz button's value carries the attempt id.
  callbackValues: `DELETE FROM telegram_callback_values WHERE commune_id = @commune AND EXISTS (
      SELECT 1 FROM quiz_attempts a WHERE a.commune_id = @commune AND a.citizen_id = @citizen
         AND instr(telegram_callback_values.value, a.id) > 0)`,
  sentPollsOfAttempts: `DELETE FROM telegram_sent_polls WHERE commune_id = @commune AND attempt_id IN (
      SELECT id FROM quiz_attempts WHERE commune_id = @commune AND citizen_id = @citizen)`,
  citizen: `DELETE FROM citizens WHERE commune_id = @commune AND id = @citizen`,
  // Handoff threads (what they wrote to staff and what staff answered), by citizen and by channel identity.
  handoffMessagesOfCitizen: `DELETE FROM handoff_messages WHERE commune_id = @commune AND thread_id IN (
      SELECT id FROM handoff_threads WHERE commune_id = @commune AND citizen_id = @citizen)`,
  handoffThreadsOfCitizen: `DELETE FROM handoff_threads WHERE commune_id = @commune AND citizen_id = @citizen`,
  handoffMessages: `DELETE FROM handoff_messages WHERE commune_id = @commune AND thread_id IN (
      SELECT id FROM handoff_threads WHERE commune_id = @commune AND channel = @channel AND user_id = @user)`,
  handoffThreads: `DELETE FROM handoff_threads WHERE commune_id = @commune AND channel = @channel AND user_id = @user`,

  state: `DELETE FROM conversation_state WHERE commune_id = @commune AND channel = @channel AND user_id = @user`,
  // An ignored group of the learning loop remembers one asked question as its anchor: when it is this
  // person's, the decision goes with it (staff may ignore the group again; its other questions stay).
  ignoredAnchors: `DELETE FROM learning_groups WHERE commune_id = @commune AND status = 'ignored' AND anchor IN (
      SELECT question FROM unanswered_questions WHERE commune_id = @commune AND channel = @channel AND user_id = @user)`,
  questions: `DELETE FROM unanswered_questions WHERE commune_id = @commune AND channel = @channel AND user_id = @user`,
  // A message's event row keeps its key (msg:<id>, no person in it) so a redelivery is still recognised.
  // Events not yet handled (the very message asking for this, when it came through Zalo) keep their row
  // until handled, so a crash cannot lose them; the Zalo store forgets them once the confirmation is sent.
  // Zalo's events have no index by user (it would cost every webhook delivery a write), so these two read
  // the table once each; an erasure is rare and the table is pruned by age.
  zaloMessageEvents: `UPDATE zalo_events SET user_id = '', event_json = NULL
      WHERE commune_id = @commune AND user_id = @user AND handled_at IS NOT NULL AND event_key LIKE 'msg:%'`,
  zaloOtherEvents: `DELETE FROM zalo_events WHERE commune_id = @commune AND user_id = @user AND handled_at IS NOT NULL`,
  zaloResident: `DELETE FROM zalo_residents WHERE commune_id = @commune AND user_id = @user`,
  zaloOutbox: `DELETE FROM outbox WHERE commune_id = @commune AND channel = 'zalo' AND user_id = @user`,
  telegramOutbox: `DELETE FROM outbox WHERE commune_id = @commune AND channel = 'telegram' AND user_id = @user`,
  webOutbox: `DELETE FROM outbox WHERE commune_id = @commune AND channel = 'web' AND user_id = @user`,
  telegramPolls: `DELETE FROM telegram_sent_polls WHERE commune_id = @commune AND telegram_user_id = @user`,
  // In a private chat the chat id is the user's id.
  telegramInactive: `DELETE FROM telegram_inactive_users WHERE commune_id = @commune AND chat_id = CAST(@user AS INTEGER)`,
} as const;

/** What each channel keeps by its own user id, beyond the state and questions every channel has. */
const CHANNEL_ROWS: Partial<Record<ChannelName, readonly (keyof typeof SQL)[]>> = {
  zalo: ['zaloMessageEvents', 'zaloOtherEvents', 'zaloResident', 'zaloOutbox'],
  telegram: ['telegramPolls', 'telegramInactive', 'telegramOutbox'],
  web: ['webOutbox'],
};

type Statements = { [K in keyof typeof SQL]: ReturnType<Db['prepare']> };

/**
 * Erases one person in one (IMMEDIATE) transaction: the citizen behind
 * `identity` (if any, with every identity linked to them) and every row that
 * any of those identities left on any channel. Safe to run for someone never
 * registered: what their one identity left still goes.
 */
export function createEraser(db: Db, communeId: string): (identity: Identity) => void {
  const st = Object.fromEntries(Object.entries(SQL).map(([k, sql]) => [k, db.prepare(sql)])) as Statements;
  const erase = db.transaction((identity: Identity) => {
    const commune = communeId;
    const found = st.citizenOf.get({ commune, channel: identity.channel, user: identity.userId }) as
      { id: string } | undefined;
    const citizenId = found?.id;
    const identities: Identity[] = [identity];
    if (citizenId !== undefined) {
      const citizen = { commune, citizen: citizenId };
      identities.push(...(st.identities.all(citizen) as Identity[]));
      st.anonymousPasses.run(citizen);
      st.anonymousCompletions.run(citizen);
      st.callbackValues.run(citizen);
      st.sentPollsOfAttempts.run(citizen);
      st.handoffMessagesOfCitizen.run(citizen);
      st.handoffThreadsOfCitizen.run(citizen);
      st.citizen.run(citizen);
    }
    const seen = new Set<string>();
    for (const id of identities) {
      const key = `${id.channel}\u0000${id.userId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const who = { commune, channel: id.channel, user: id.userId };
      st.state.run(who);
      st.ignoredAnchors.run(who);
      st.questions.run(who);
      st.handoffMessages.run(who);
      st.handoffThreads.run(who);
      for (const name of CHANNEL_ROWS[id.channel] ?? []) st[name].run({ commune, user: id.userId });
    }
  });
  return (identity) => erase.immediate(identity);
}
