/**
 * Issue 16, item 3: after "xóa dữ liệu của tôi", no row of any table refers to
 * the person — by citizen id, channel user ids, name, link code, attempt id or
 * the words they typed. The tables are read from sqlite_master, so a table
 * added later is checked without touching this test. Their passes stay only
 * as anonymous counts, and the reports count them as before.
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FEEDBACK_DOWN } from '../../src/core/conversation/qaMemory.js';
import type { Identity } from '../../src/core/registry/types.js';
import type { Services } from '../../src/services.js';
import { SqliteReportRepo } from '../../src/storage/sqlite/reportRepo.js';
import { SqliteTelegramStore } from '../../src/storage/sqlite/telegramRepo.js';
import { SqliteZaloStore } from '../../src/storage/sqlite/zaloStore.js';
import type { Db } from '../../src/storage/sqlite/db.js';
import { signed, textEvent } from '../fixtures/zalo.js';
import { fixedClock, readyServices } from '../helpers.js';
import { recordSends, zaloHarness } from './zaloHarness.js';

const ZALO: Identity = { channel: 'zalo', userId: '7319046628815502011' };
const TELEGRAM: Identity = { channel: 'telegram', userId: '5550001234' };
const WEB: Identity = { channel: 'web', userId: 'web-erasure-7Qx9' };
const OTHER: Identity = { channel: 'zalo', userId: '4102938475610293847' };
const NAME = 'Trần Thị Quýtmơ';
const QUESTION = 'giá vàng hôm nay ở nhà bà Quýtmơ bao nhiêu';
const CODE = 'QMZ7KX42';
const QUIZ = 'an-toan-tai-khoan';

/** Every value of every row of every table (and virtual table), with where it was found. */
function everyValue(db: Db): { table: string; column: string; value: unknown }[] {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
    name: string;
  }[];
  const out: { table: string; column: string; value: unknown }[] = [];
  for (const { name } of tables) {
    const rows = db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).all() as Record<string, unknown>[];
    for (const row of rows) for (const [column, value] of Object.entries(row)) out.push({ table: name, column, value });
  }
  return out;
}

/** Where any of `needles` still appears, as "table.column: needle". */
function traces(db: Db, needles: readonly string[]): string[] {
  const found: string[] = [];
  for (const { table, column, value } of everyValue(db)) {
    const text =
      typeof value === 'string'
        ? value
        : Buffer.isBuffer(value)
          ? value.toString('utf8')
          : typeof value === 'number' || typeof value === 'bigint'
            ? String(value)
            : '';
    for (const n of needles) if (text.toLowerCase().includes(n.toLowerCase())) found.push(`${table}.${column}: ${n}`);
  }
  return [...new Set(found)];
}

describe('"xóa dữ liệu của tôi" leaves nothing about the person in any table', () => {
  let services: Services;
  let db: Db;
  const clock = fixedClock();
  let citizenId: string;
  let attemptId: string;

  beforeEach(async () => {
    services = await readyServices({}, clock);
    db = services.db;
    const engine = services.engine;
    const at = clock.now();

    // They ask on every channel; an out-of-scope question is logged for staff, and a 👎 logs another.
    for (const who of [ZALO, TELEGRAM, WEB]) await engine.handle({ ...who, text: QUESTION });
    await engine.handle({ ...OTHER, text: 'giá vàng hôm nay bao nhiêu' });
    await engine.handle({ ...ZALO, text: 'quên mật khẩu vneid phải làm sao' });
    await engine.handle({ ...ZALO, choice: FEEDBACK_DOWN });

    // A citizen on Zalo with a profile, linked to Telegram and the web, who passed the core quiz.
    const citizen = services.citizens.ensure(ZALO, 'cit-quytmo-1', at);
    citizenId = citizen.id;
    services.citizens.update(
      citizenId,
      { consent: 'given', profile: { displayName: NAME, hamlet: 'bai-dau', group: 'nguoi-dan' } },
      at,
    );
    services.citizens.createLinkCode(citizenId, CODE, new Date(at.getTime() + 600_000));
    services.citizens.redeemLinkCode(CODE, TELEGRAM, at);
    services.citizens.createLinkCode(citizenId, 'QMZ7WEB1', new Date(at.getTime() + 600_000));
    services.citizens.redeemLinkCode('QMZ7WEB1', WEB, at);
    attemptId = 'att-quytmo-1';
    const attempt = {
      id: attemptId,
      citizenId,
      quizId: QUIZ,
      quizVersion: '1',
      status: 'active' as const,
      current: 0,
      correct: 0,
      order: [[0, 1]],
      answers: [],
      startedAt: at.toISOString(),
    };
    services.attempts.start(attempt);
    services.attempts.commit(
      {
        ...attempt,
        status: 'finished',
        current: 1,
        correct: 1,
        answers: [0],
        finishedAt: at.toISOString(),
        score: 1,
        passed: true,
      },
      0,
      { citizenId, quizId: QUIZ, attemptId, score: 1, passed: true, at: at.toISOString(), coreQuizzes: [QUIZ] },
    );

    // Staff ignored the group of their question: the group remembers it as its anchor.
    const logged = db
      .prepare('SELECT question FROM unanswered_questions WHERE commune_id = ? AND channel = ? AND user_id = ?')
      .get(services.config.COMMUNE_ID, ZALO.channel, ZALO.userId) as { question: string };
    services.learning.decide({
      id: 'grp-1',
      status: 'ignored',
      anchor: logged.question,
      entryId: null,
      firstAskedAt: at.toISOString(),
      decidedBy: 'admin',
      decidedAt: at.toISOString(),
      reason: null,
    });

    // What the channels keep about them.
    const zalo = new SqliteZaloStore(db, services.config.COMMUNE_ID, 'app-1');
    zalo.receive('msg:qm1', ZALO.userId, JSON.stringify({ kind: 'text', userId: ZALO.userId, text: QUESTION }), at);
    zalo.receive(`follow:${ZALO.userId}:1`, ZALO.userId, JSON.stringify({ kind: 'follow', userId: ZALO.userId }), at);
    zalo.markHandled('msg:qm1', at);
    zalo.markHandled(`follow:${ZALO.userId}:1`, at);
    zalo.enqueue(ZALO.userId, [{ text: `Chào ${NAME}` }], at, { interactionAt: at });
    zalo.receive('msg:other1', OTHER.userId, JSON.stringify({ kind: 'follow', userId: OTHER.userId }), at);
    zalo.markHandled('msg:other1', at);
    zalo.enqueue(OTHER.userId, [{ text: 'Chào bà con' }], at, { interactionAt: at });
    const telegram = new SqliteTelegramStore(db, services.config.COMMUNE_ID);
    telegram.savePoll({
      pollId: 'poll-qm-1',
      userId: TELEGRAM.userId,
      chatId: Number(TELEGRAM.userId),
      messageId: 7,
      attemptId,
      questionIndex: 0,
      values: [`quiz:ans:${attemptId}:0:0`],
      explained: false,
      sentAt: at.toISOString(),
    });
    telegram.markInactive(Number(TELEGRAM.userId), 'blocked', at);
    telegram.putCallbackValue('cb-qm-1', `quiz:ans:${attemptId}:0:1:long-value`, at);

    // They asked a person on Zalo and on the web; staff answered (handoff threads, issue 18 item 6).
    const handoff = services.handoff.store;
    const zaloThread = await handoff.open({ ...ZALO, citizenId, hamletId: 'bai-dau', reason: 'asked', at });
    await handoff.append(zaloThread.id, { author: 'resident', text: QUESTION, at });
    await handoff.append(zaloThread.id, { author: 'staff', staffId: 'staff-1', text: `Chào ${NAME}`, at });
    await handoff.close(zaloThread.id, 'staff-1', at);
    const webThread = await handoff.open({ ...WEB, reason: 'offered', at });
    await handoff.append(webThread.id, { author: 'resident', text: QUESTION, at });
  });

  afterEach(() => services.close());

  const needles = (): string[] => [
    citizenId,
    ZALO.userId,
    TELEGRAM.userId,
    WEB.userId,
    NAME,
    'Quýtmơ',
    'Quytmo',
    CODE,
    attemptId,
  ];

  it('every table is read, the person is everywhere before, and nowhere after', async () => {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
      (t) => t.name,
    );
    expect(tables).toEqual(expect.arrayContaining(['citizens', 'unanswered_questions', 'zalo_events', 'outbox']));
    const before = traces(db, needles());
    // Not a vacuous test: each kind of row was there.
    for (const where of [
      'citizens.display_name',
      'citizen_identities.user_id',
      'unanswered_questions.question',
      'learning_groups.anchor',
      'conversation_state.user_id',
      'zalo_events.user_id',
      'zalo_residents.user_id',
      'outbox.user_id',
      'telegram_sent_polls.telegram_user_id',
      'telegram_inactive_users.chat_id',
      'telegram_callback_values.value',
      'quiz_passes.citizen_id',
      'link_codes.code',
      'handoff_threads.user_id',
      'handoff_threads.citizen_id',
      'handoff_messages.text',
    ])
      expect(before.some((t) => t.startsWith(where))).toBe(true);

    await services.engine.handle({ ...ZALO, text: 'xóa dữ liệu của tôi' });
    const done = await services.engine.handle({ ...ZALO, choice: 'me:delete:yes' });
    expect(done[0]?.text).toMatch(/Đã xóa/);

    expect(traces(db, needles())).toEqual([]);
    // The other resident keeps everything.
    expect(traces(db, [OTHER.userId]).length).toBeGreaterThanOrEqual(3);
  });

  it('a resident who never registered still has their questions and channel rows erased', async () => {
    await services.engine.handle({ ...OTHER, text: 'xóa dữ liệu của tôi' });
    const done = await services.engine.handle({ ...OTHER, choice: 'me:delete:yes' });
    expect(done[0]?.text).toMatch(/Đã xóa/);
    expect(traces(db, [OTHER.userId])).toEqual([]);
    // The registered one is untouched.
    expect(traces(db, [ZALO.userId]).length).toBeGreaterThan(3);
  });

  it('keeps the commune’s counts: the passes stay as anonymous counts, which the reports include', async () => {
    const reports = new SqliteReportRepo(db, services.config.COMMUNE_ID);
    const passes = reports.completionCounts();
    const programme = reports.programmeCounts();
    expect(passes).toContainEqual({ hamletId: 'bai-dau', groupId: 'nguoi-dan', quizId: QUIZ, passed: 1 });
    expect(programme).toContainEqual({ hamletId: 'bai-dau', groupId: 'nguoi-dan', completed: 1 });

    await services.engine.handle({ ...ZALO, text: 'xóa dữ liệu của tôi' });
    await services.engine.handle({ ...ZALO, choice: 'me:delete:yes' });

    expect(reports.completionCounts()).toEqual(passes);
    expect(reports.programmeCounts()).toEqual(programme);
    expect(db.prepare('SELECT * FROM anonymous_passes').all()).toEqual([
      {
        commune_id: services.config.COMMUNE_ID,
        hamlet: 'bai-dau',
        target_group: 'nguoi-dan',
        quiz_id: QUIZ,
        passed_on: clock.now().toISOString().slice(0, 10),
        passes: 1,
      },
    ]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM quiz_passes').get()).toEqual({ n: 0 });
  });
});

describe('erasure through the Zalo channel itself', () => {
  afterEach(() => nock.cleanAll());

  it('once the confirmation is sent, no row keeps the resident’s Zalo id or words', async () => {
    const h = await zaloHarness();
    try {
      const { sent } = recordSends();
      const user = ZALO.userId;
      const say = (text: string) => h.deliver(signed(textEvent(user, text, h.clock.now())));
      await say('xin chào');
      await say(QUESTION);
      await say('xóa dữ liệu của tôi');
      expect(sent.at(-1)?.text).toContain('1. Xóa hẳn dữ liệu');
      expect(traces(h.services.db, [user, 'Quýtmơ']).length).toBeGreaterThan(0);
      await say('1');
      expect(sent.at(-1)?.text).toMatch(/^Đã xóa toàn bộ dữ liệu/);
      expect(traces(h.services.db, [user, 'Quýtmơ'])).toEqual([]);
      // Writing again, they are a new resident: the window row comes back, and their reply goes out.
      await say('xin chào');
      expect(sent.at(-1)?.text).toMatch(/^Xin chào bà con!/);
    } finally {
      await h.close();
    }
  });
});
