/**
 * The erasure contract ("xóa dữ liệu của tôi", `CitizenRepo.erase`), run on
 * SQLite (test/integration/erasureContract.test.ts) and PostgreSQL
 * (test/pg/erasure.test.ts): after it, no row of the commune refers to the
 * person — by citizen id, any linked channel's user id, name, link code,
 * attempt id or the words they typed — whichever of their identities asked;
 * the rows of the channels' own tables (Zalo events, outbox, Telegram polls,
 * blocked chats, callback values), handoff threads and an ignored
 * learning-loop group anchored on their question go too. A Zalo event not yet
 * handled keeps its row until it is (the Zalo store forgets it then). Their
 * pass and programme completion leave the report triggers' daily counts and
 * stay only as anonymous counts. Another resident keeps everything.
 * Every table is read (from the database's catalogue), so a table added later
 * is checked without touching this suite. Named *.contract.ts so no vitest
 * config collects it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type {
  AttemptRepo,
  CitizenRepo,
  ConversationStateRepo,
  MaybePromise,
  UnansweredLog,
} from '../../src/core/ports.js';
import type { Identity } from '../../src/core/registry/types.js';
import type { Row, TableAccess } from './tables.js';

export interface ErasureSubject {
  readonly communeId: string;
  readonly citizens: CitizenRepo;
  readonly attempts: AttemptRepo;
  readonly conversations: ConversationStateRepo;
  readonly unanswered: UnansweredLog;
  readonly tables: TableAccess;
  readonly close: () => MaybePromise<void>;
}

const ZALO: Identity = { channel: 'zalo', userId: '7319046628815502011' };
const TELEGRAM: Identity = { channel: 'telegram', userId: '5550001234' };
const WEB: Identity = { channel: 'web', userId: 'web-erasure-7Qx9' };
const OTHER: Identity = { channel: 'zalo', userId: '4102938475610293847' };
const NAME = 'Trần Thị Quýtmơ';
const QUESTION = 'giá vàng hôm nay ở nhà bà Quýtmơ bao nhiêu';
const CODE = 'QMZ7KX42';
const QUIZ = 'an-toan-tai-khoan';
const CITIZEN = 'cit-quytmo-1';
const ATTEMPT = 'att-quytmo-1';
const AT = new Date('2026-12-01T20:00:00.000Z');
const ISO = AT.toISOString();
const NEEDLES = [CITIZEN, ZALO.userId, TELEGRAM.userId, WEB.userId, NAME, 'Quýtmơ', CODE, ATTEMPT];

/** Where any of `needles` appears in the commune's rows, as "table.column: needle". */
async function traces(tables: TableAccess, needles: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const { table, row } of await tables.everyRow()) {
    for (const [column, value] of Object.entries(row)) {
      const text =
        typeof value === 'string'
          ? value
          : Buffer.isBuffer(value)
            ? value.toString('utf8')
            : typeof value === 'number' || typeof value === 'bigint'
              ? String(value)
              : '';
      for (const n of needles) if (text.toLowerCase().includes(n.toLowerCase())) found.add(`${table}.${column}: ${n}`);
    }
  }
  return [...found].sort();
}

const sum = (rows: Row[], kind: string): number =>
  rows.filter((r) => r['kind'] === kind).reduce((n, r) => n + Number(r['n']), 0);

/** Identity ids are database-wide on PostgreSQL (communes share one sequence): each seed takes its own range. */
let seeds = 0;

/** A registered resident on three channels with a pass, and what each channel keeps about them and another. */
async function seed(s: ErasureSubject): Promise<void> {
  const base = ++seeds * 1000;
  const { citizens, attempts, conversations, unanswered, tables, communeId: commune_id } = s;
  for (const who of [ZALO, TELEGRAM, WEB, OTHER]) {
    await conversations.set(who, { lastQuestion: who === OTHER ? 'giá vàng' : QUESTION }, AT);
  }
  for (const who of [ZALO, WEB]) await unanswered.record({ ...who, kind: 'out-of-scope', question: QUESTION, at: AT });
  await unanswered.record({ ...OTHER, kind: 'out-of-scope', question: 'giá vàng hôm nay bao nhiêu', at: AT });

  await citizens.ensure(ZALO, CITIZEN, AT);
  await citizens.update(
    CITIZEN,
    { consent: 'given', profile: { displayName: NAME, hamlet: 'bai-dau', group: 'nguoi-dan' } },
    AT,
  );
  const expires = new Date(AT.getTime() + 600_000);
  await citizens.createLinkCode(CITIZEN, 'QMZ7TG01', expires);
  expect(await citizens.redeemLinkCode('QMZ7TG01', TELEGRAM, AT)).toMatchObject({ ok: true });
  await citizens.createLinkCode(CITIZEN, 'QMZ7WEB1', expires);
  expect(await citizens.redeemLinkCode('QMZ7WEB1', WEB, AT)).toMatchObject({ ok: true });
  await citizens.createLinkCode(CITIZEN, CODE, expires);
  const attempt = {
    id: ATTEMPT,
    citizenId: CITIZEN,
    quizId: QUIZ,
    quizVersion: '1',
    status: 'active' as const,
    current: 0,
    correct: 0,
    order: [[0, 1]],
    answers: [],
    startedAt: ISO,
  };
  expect(await attempts.start(attempt)).toBe(true);
  const done = { ...attempt, status: 'finished' as const, current: 1, correct: 1, answers: [0], finishedAt: ISO };
  const completion = { citizenId: CITIZEN, quizId: QUIZ, attemptId: ATTEMPT, score: 1, passed: true, at: ISO };
  expect(await attempts.commit({ ...done, score: 1, passed: true }, 0, { ...completion, coreQuizzes: [QUIZ] })).toBe(
    true,
  );

  const put = (table: string, row: Row) => tables.insert(table, { commune_id, ...row });
  // Staff ignored the group of their question: the group remembers it as its anchor.
  await put('learning_groups', {
    id: 'grp-1',
    status: 'ignored',
    anchor: QUESTION,
    entry_id: null,
    first_asked_at: ISO,
    decided_by: 'admin',
    decided_at: ISO,
    reason: null,
  });
  const event = (key: string, who: Identity, handled: boolean) =>
    put('zalo_events', {
      event_key: key,
      user_id: who.userId,
      event_json: JSON.stringify({ kind: 'text', userId: who.userId }),
      received_at: ISO,
      handled_at: handled ? ISO : null,
    });
  await event('msg:qm1', ZALO, true);
  await event(`follow:${ZALO.userId}:1`, ZALO, true);
  await event('msg:qm2', ZALO, false);
  await event('msg:other1', OTHER, true);
  for (const who of [ZALO, OTHER]) {
    await put('zalo_residents', { user_id: who.userId, last_interaction_at: ISO, inactive: 0, updated_at: ISO });
  }
  let outboxId = base;
  for (const who of [ZALO, TELEGRAM, WEB, OTHER]) {
    await put('outbox', {
      id: ++outboxId,
      channel: who.channel,
      user_id: who.userId,
      payload_json: JSON.stringify({ text: `Chào ${who === OTHER ? 'bà con' : NAME}` }),
      status: 'sent',
      attempts: 1,
      next_attempt_at: ISO,
      created_at: ISO,
      sent_at: ISO,
    });
  }
  await put('telegram_sent_polls', {
    poll_id: 'poll-qm-1',
    telegram_user_id: TELEGRAM.userId,
    chat_id: Number(TELEGRAM.userId),
    message_id: 7,
    attempt_id: ATTEMPT,
    question_index: 0,
    values_json: JSON.stringify([`quiz:ans:${ATTEMPT}:0:0`]),
    explained: 0,
    sent_at: ISO,
  });
  await put('telegram_inactive_users', { chat_id: Number(TELEGRAM.userId), reason: 'blocked', since: ISO });
  await put('telegram_callback_values', { id: 'cb-qm-1', value: `quiz:ans:${ATTEMPT}:0:1:long-value`, used_at: ISO });
  // They asked a person on Zalo (as the citizen) and on the web; another resident did too.
  const thread = (id: number, who: Identity, citizen: string | null, status: 'open' | 'closed') =>
    put('handoff_threads', {
      id,
      channel: who.channel,
      user_id: who.userId,
      citizen_id: citizen,
      hamlet_id: citizen ? 'bai-dau' : null,
      status,
      reason: 'asked',
      opened_at: ISO,
      closed_at: status === 'closed' ? ISO : null,
      last_at: ISO,
      unread: 0,
    });
  const message = (id: number, threadId: number, text: string) =>
    put('handoff_messages', { id, thread_id: threadId, author: 'resident', text, at: ISO, delivery: 'none' });
  await thread(base + 1, { ...ZALO, userId: 'moved-later' }, CITIZEN, 'closed');
  await message(base + 11, base + 1, `Chào ${NAME}`);
  await thread(base + 2, WEB, null, 'open');
  await message(base + 21, base + 2, QUESTION);
  await thread(base + 3, OTHER, null, 'open');
  await message(base + 31, base + 3, 'giá vàng hôm nay bao nhiêu');
}

export function describeErasureContract(name: string, make: () => MaybePromise<ErasureSubject>): void {
  describe(`CitizenRepo.erase contract (${name})`, () => {
    let subject: ErasureSubject | undefined;
    const open = async (): Promise<ErasureSubject> => {
      subject = await make();
      await seed(subject);
      return subject;
    };
    afterEach(async () => {
      await subject?.close();
      subject = undefined;
    });

    it.each([
      ['their Zalo identity', ZALO],
      ['a linked web identity', WEB],
    ])('erased through %s, nothing refers to the person but an unhandled Zalo event', async (_how, who) => {
      const { citizens, tables } = await open();
      const before = await traces(tables, NEEDLES);
      // Not a vacuous test: each kind of row was there.
      for (const where of [
        'citizens.display_name',
        'citizen_identities.user_id',
        'link_codes.code',
        'quiz_attempts.id',
        'quiz_passes.citizen_id',
        'programme_completions.citizen_id',
        'report_attempts.attempt_id',
        'unanswered_questions.question',
        'learning_groups.anchor',
        'conversation_state.user_id',
        'zalo_events.user_id',
        'zalo_residents.user_id',
        'outbox.user_id',
        'telegram_sent_polls.telegram_user_id',
        'telegram_inactive_users.chat_id',
        'telegram_callback_values.value',
        'handoff_threads.user_id',
        'handoff_threads.citizen_id',
        'handoff_messages.text',
      ]) {
        expect(
          before.some((t) => t.startsWith(where)),
          where,
        ).toBe(true);
      }
      const otherBefore = await traces(tables, [OTHER.userId]);

      await citizens.erase(who);

      expect(await traces(tables, NEEDLES)).toEqual([
        `zalo_events.event_json: ${ZALO.userId}`,
        `zalo_events.user_id: ${ZALO.userId}`,
      ]);
      expect((await tables.rows('zalo_events')).map((r) => r['event_key']).sort()).toEqual([
        'msg:other1',
        'msg:qm1',
        'msg:qm2',
      ]);
      expect(await traces(tables, [OTHER.userId])).toEqual(otherBefore);
      expect(await citizens.findByIdentity(ZALO)).toBeUndefined();
      // Erasing again, or someone never seen, is harmless.
      await citizens.erase(who);
      await citizens.erase({ channel: 'cli', userId: 'nobody' });
      expect(await traces(tables, [OTHER.userId])).toEqual(otherBefore);
    });

    it('keeps the commune’s counts: the pass and completion leave the daily counts for anonymous ones', async () => {
      const { citizens, tables, communeId } = await open();
      const daily = await tables.rows('report_daily');
      expect([sum(daily, 'pass'), sum(daily, 'programme')]).toEqual([1, 1]);
      expect(await tables.rows('anonymous_passes')).toEqual([]);

      await citizens.erase(ZALO);

      const after = await tables.rows('report_daily');
      expect([sum(after, 'pass'), sum(after, 'programme')]).toEqual([0, 0]);
      // SQLite's day: the first ten characters of the UTC time (20:00 UTC is already 2 December in the commune).
      expect(await tables.rows('anonymous_passes')).toEqual([
        {
          commune_id: communeId,
          hamlet: 'bai-dau',
          target_group: 'nguoi-dan',
          quiz_id: QUIZ,
          passed_on: '2026-12-01',
          passes: 1,
        },
      ]);
      expect(await tables.rows('anonymous_completions')).toEqual([
        {
          commune_id: communeId,
          hamlet: 'bai-dau',
          target_group: 'nguoi-dan',
          completed_on: '2026-12-01',
          completions: 1,
        },
      ]);
      expect(await tables.rows('quiz_passes')).toEqual([]);
    });

    it('a resident who never registered still has their questions and channel rows erased', async () => {
      const { citizens, tables } = await open();
      expect((await traces(tables, [OTHER.userId])).length).toBeGreaterThanOrEqual(5);
      const registered = await traces(tables, NEEDLES);
      await citizens.erase(OTHER);
      expect(await traces(tables, [OTHER.userId])).toEqual([]);
      // The registered one is untouched.
      expect(await traces(tables, NEEDLES)).toEqual(registered);
    });
  });
}
