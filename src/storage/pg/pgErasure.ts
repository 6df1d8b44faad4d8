/**
 * @module storage/pg/pgErasure
 *
 * A resident's right to erase their data on PostgreSQL: the twin of
 * storage/sqlite/erasure, statement for statement, over the tables this schema
 * has. The citizen (with identities, link codes, attempts, passes and
 * completion, by cascade) goes, and so does what each of their channel
 * identities left: logged questions, conversation state, Zalo events, outbox
 * and window rows, Telegram polls, callback values, blocked-chat marks,
 * handoff threads with staff, and an ignored learning-loop group anchored on
 * one of their questions. Passes and the programme completion first become
 * anonymous counts (hamlet, group, quiz, UTC day as SQLite takes it: the first
 * ten characters of the time), so the commune's figures stay true: the report
 * triggers of 019b take the citizen's rows out of report_daily as the citizen
 * is deleted, exactly as SQLite's do, and the reports add the anonymous counts.
 *
 * Locks: the citizen's row `FOR UPDATE` first (storage/pg/pgCitizenLocks), so
 * a quiz answer, a link or a second erasure of the same person waits or sees
 * them gone; then the identity is read again, since a link may have moved it
 * to another citizen before the lock was granted.
 */
import { sql } from 'kysely';
import type { ChannelName } from '../../core/messages.js';
import type { Identity } from '../../core/registry/types.js';
import { citizenOfIdentity, lockCitizens, LOCK_TRIES, type Trx } from './pgCitizenLocks.js';

/** The citizen behind `identity`, locked, or undefined when there is none. */
async function lockedCitizenOf(trx: Trx, communeId: string, identity: Identity): Promise<string | undefined> {
  for (let i = 0; i < LOCK_TRIES; i++) {
    const found = await citizenOfIdentity(trx, communeId, identity.channel, identity.userId);
    if (found === undefined) return undefined;
    const locked = await lockCitizens(trx, communeId, [found]);
    if (locked.has(found) && (await citizenOfIdentity(trx, communeId, identity.channel, identity.userId)) === found) {
      return found;
    }
  }
  throw new Error('erasure: the identity kept moving between citizens; try again');
}

/** Everything stored about the citizen itself (it is locked): anonymous counts first, then the rows. */
async function eraseCitizen(trx: Trx, commune: string, citizen: string): Promise<void> {
  const trimmed = (col: 'c.hamlet' | 'c.target_group') => sql<string>`COALESCE(TRIM(${sql.ref(col)}), '')`;
  await trx
    .insertInto('anonymous_passes')
    .columns(['commune_id', 'hamlet', 'target_group', 'quiz_id', 'passed_on', 'passes'])
    .expression((eb) =>
      eb
        .selectFrom('quiz_passes as p')
        .innerJoin('citizens as c', (j) =>
          j.onRef('c.commune_id', '=', 'p.commune_id').onRef('c.id', '=', 'p.citizen_id'),
        )
        .select((s) => [
          'p.commune_id',
          trimmed('c.hamlet').as('hamlet'),
          trimmed('c.target_group').as('target_group'),
          'p.quiz_id',
          sql<string>`substr(p.passed_at, 1, 10)`.as('passed_on'),
          s.fn.countAll<number>().as('passes'),
        ])
        .where('p.commune_id', '=', commune)
        .where('p.citizen_id', '=', citizen)
        .groupBy([sql.lit(1), sql.lit(2), sql.lit(3), sql.lit(4), sql.lit(5)]),
    )
    .onConflict((oc) =>
      oc
        .columns(['commune_id', 'hamlet', 'target_group', 'quiz_id', 'passed_on'])
        .doUpdateSet((eb) => ({ passes: eb('anonymous_passes.passes', '+', eb.ref('excluded.passes')) })),
    )
    .execute();
  await trx
    .insertInto('anonymous_completions')
    .columns(['commune_id', 'hamlet', 'target_group', 'completed_on', 'completions'])
    .expression((eb) =>
      eb
        .selectFrom('programme_completions as pc')
        .innerJoin('citizens as c', (j) =>
          j.onRef('c.commune_id', '=', 'pc.commune_id').onRef('c.id', '=', 'pc.citizen_id'),
        )
        .select((s) => [
          'pc.commune_id',
          trimmed('c.hamlet').as('hamlet'),
          trimmed('c.target_group').as('target_group'),
          sql<string>`substr(pc.completed_at, 1, 10)`.as('completed_on'),
          s.fn.countAll<number>().as('completions'),
        ])
        .where('pc.commune_id', '=', commune)
        .where('pc.citizen_id', '=', citizen)
        .groupBy([sql.lit(1), sql.lit(2), sql.lit(3), sql.lit(4)]),
    )
    .onConflict((oc) =>
      oc.columns(['commune_id', 'hamlet', 'target_group', 'completed_on']).doUpdateSet((eb) => ({
        completions: eb('anonymous_completions.completions', '+', eb.ref('excluded.completions')),
      })),
    )
    .execute();
  const attemptIds = trx
    .selectFrom('quiz_attempts')
    .select('id')
    .where('commune_id', '=', commune)
    .where('citizen_id', '=', citizen);
  // Button values longer than Telegram allows are kept by id; a quiz button's value carries the attempt id.
  await trx
    .deleteFrom('telegram_callback_values')
    .where('commune_id', '=', commune)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('quiz_attempts as a')
          .select(sql.lit(1).as('one'))
          .where('a.commune_id', '=', commune)
          .where('a.citizen_id', '=', citizen)
          .where(sql<boolean>`strpos(telegram_callback_values.value, a.id) > 0`),
      ),
    )
    .execute();
  await trx
    .deleteFrom('telegram_sent_polls')
    .where('commune_id', '=', commune)
    .where('attempt_id', 'in', attemptIds)
    .execute();
  // Handoff threads (what they wrote to staff and what staff answered) of the citizen.
  const threads = trx
    .selectFrom('handoff_threads')
    .select('id')
    .where('commune_id', '=', commune)
    .where('citizen_id', '=', citizen);
  await trx
    .deleteFrom('handoff_messages')
    .where('commune_id', '=', commune)
    .where('thread_id', 'in', threads)
    .execute();
  await trx.deleteFrom('handoff_threads').where('commune_id', '=', commune).where('citizen_id', '=', citizen).execute();
  await trx.deleteFrom('citizens').where('commune_id', '=', commune).where('id', '=', citizen).execute();
}

/** What one channel identity left, on every channel and on its own channel's tables. */
async function eraseIdentity(trx: Trx, commune: string, who: Identity): Promise<void> {
  const { channel, userId: user } = who;
  await trx
    .deleteFrom('conversation_state')
    .where('commune_id', '=', commune)
    .where('channel', '=', channel)
    .where('user_id', '=', user)
    .execute();
  // An ignored group of the learning loop remembers one asked question as its anchor: when it is this
  // person's, the decision goes with it (staff may ignore the group again; its other questions stay).
  const questions = trx
    .selectFrom('unanswered_questions')
    .select('question')
    .where('commune_id', '=', commune)
    .where('channel', '=', channel)
    .where('user_id', '=', user);
  await trx
    .deleteFrom('learning_groups')
    .where('commune_id', '=', commune)
    .where('status', '=', 'ignored')
    .where('anchor', 'in', questions)
    .execute();
  await trx
    .deleteFrom('unanswered_questions')
    .where('commune_id', '=', commune)
    .where('channel', '=', channel)
    .where('user_id', '=', user)
    .execute();
  const threads = trx
    .selectFrom('handoff_threads')
    .select('id')
    .where('commune_id', '=', commune)
    .where('channel', '=', channel)
    .where('user_id', '=', user);
  await trx
    .deleteFrom('handoff_messages')
    .where('commune_id', '=', commune)
    .where('thread_id', 'in', threads)
    .execute();
  await trx
    .deleteFrom('handoff_threads')
    .where('commune_id', '=', commune)
    .where('channel', '=', channel)
    .where('user_id', '=', user)
    .execute();
  await CHANNEL_ROWS[channel]?.(trx, commune, user);
}

const outbox = (trx: Trx, commune: string, channel: ChannelName, user: string) =>
  trx
    .deleteFrom('outbox')
    .where('commune_id', '=', commune)
    .where('channel', '=', channel)
    .where('user_id', '=', user)
    .execute();

/** What each channel keeps by its own user id, beyond the state and questions every channel has. */
const CHANNEL_ROWS: Partial<Record<ChannelName, (trx: Trx, commune: string, user: string) => Promise<unknown>>> = {
  async zalo(trx, commune, user) {
    // A message's event row keeps its key (msg:<id>, no person in it) so a redelivery is still recognised;
    // events not yet handled keep their row until handled (the Zalo store forgets them then).
    await trx
      .updateTable('zalo_events')
      .set({ user_id: '', event_json: null })
      .where('commune_id', '=', commune)
      .where('user_id', '=', user)
      .where('handled_at', 'is not', null)
      .where('event_key', 'like', 'msg:%')
      .execute();
    await trx
      .deleteFrom('zalo_events')
      .where('commune_id', '=', commune)
      .where('user_id', '=', user)
      .where('handled_at', 'is not', null)
      .execute();
    await trx.deleteFrom('zalo_residents').where('commune_id', '=', commune).where('user_id', '=', user).execute();
    await outbox(trx, commune, 'zalo', user);
  },
  async telegram(trx, commune, user) {
    await trx
      .deleteFrom('telegram_sent_polls')
      .where('commune_id', '=', commune)
      .where('telegram_user_id', '=', user)
      .execute();
    // In a private chat the chat id is the user's id. SQLite's CAST reads a non-number as 0 (no chat);
    // PostgreSQL's would fail, so a user id that is not a whole number matches no chat here.
    const chatId = /^-?\d+$/.test(user) ? Number(user) : undefined;
    if (chatId !== undefined && Number.isSafeInteger(chatId)) {
      await trx
        .deleteFrom('telegram_inactive_users')
        .where('commune_id', '=', commune)
        .where('chat_id', '=', chatId)
        .execute();
    }
    await outbox(trx, commune, 'telegram', user);
  },
  async web(trx, commune, user) {
    await outbox(trx, commune, 'web', user);
  },
};

/**
 * Erases one person inside the caller's `withCommune` transaction: the citizen
 * behind `identity` (if any, with every identity linked to them) and every row
 * that any of those identities left on any channel. Safe for someone never
 * registered: what their one identity left still goes.
 */
export async function eraseInTransaction(trx: Trx, communeId: string, identity: Identity): Promise<void> {
  const citizenId = await lockedCitizenOf(trx, communeId, identity);
  const identities: Identity[] = [identity];
  if (citizenId !== undefined) {
    const linked = await trx
      .selectFrom('citizen_identities')
      .select(['channel', 'user_id'])
      .where('commune_id', '=', communeId)
      .where('citizen_id', '=', citizenId)
      .execute();
    identities.push(...linked.map((r) => ({ channel: r.channel as ChannelName, userId: r.user_id })));
    await eraseCitizen(trx, communeId, citizenId);
  }
  const seen = new Set<string>();
  for (const id of identities) {
    const key = `${id.channel}\u0000${id.userId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    await eraseIdentity(trx, communeId, id);
  }
}
