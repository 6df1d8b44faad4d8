/**
 * Issue 16, item 3: after "xóa dữ liệu của tôi", no row of any table refers to
 * the person — by citizen id, channel user ids, name, link code, attempt id or
 * the words they typed. The tables are listed from the database (erasureTraces.ts),
 * so a table added later is checked without touching this test. Their passes
 * stay only as anonymous counts, and the reports count them as before. On
 * SQLite or PostgreSQL (test/testService.ts); through the Zalo channel
 * itself: erasure.zalo.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FEEDBACK_DOWN } from '../../src/core/conversation/qaMemory.js';
import type { Identity } from '../../src/core/registry/types.js';
import { fixedClock } from '../helpers.js';
import { testService, type TestService } from '../testService.js';
import { tablesWithRows, traces } from './erasureTraces.js';

const ZALO: Identity = { channel: 'zalo', userId: '7319046628815502011' };
const TELEGRAM: Identity = { channel: 'telegram', userId: '5550001234' };
const WEB: Identity = { channel: 'web', userId: 'web-erasure-7Qx9' };
const OTHER: Identity = { channel: 'zalo', userId: '4102938475610293847' };
const NAME = 'Trần Thị Quýtmơ';
const QUESTION = 'giá vàng hôm nay ở nhà bà Quýtmơ bao nhiêu';
const CODE = 'QMZ7KX42';
const QUIZ = 'an-toan-tai-khoan';

describe('"xóa dữ liệu của tôi" leaves nothing about the person in any table', () => {
  let services: TestService;
  const clock = fixedClock();
  let citizenId: string;
  let attemptId: string;

  beforeEach(async () => {
    services = await testService({ clock });
    const engine = services.engine;
    const at = clock.now();

    // They ask on every channel; an out-of-scope question is logged for staff, and a 👎 logs another.
    for (const who of [ZALO, TELEGRAM, WEB]) await engine.handle({ ...who, text: QUESTION });
    await engine.handle({ ...OTHER, text: 'giá vàng hôm nay bao nhiêu' });
    await engine.handle({ ...ZALO, text: 'quên mật khẩu vneid phải làm sao' });
    await engine.handle({ ...ZALO, choice: FEEDBACK_DOWN });

    // A citizen on Zalo with a profile, linked to Telegram and the web, who passed the core quiz.
    const citizen = await services.citizens.ensure(ZALO, 'cit-quytmo-1', at);
    citizenId = citizen.id;
    await services.citizens.update(
      citizenId,
      { consent: 'given', profile: { displayName: NAME, hamlet: 'bai-dau', group: 'nguoi-dan' } },
      at,
    );
    await services.citizens.createLinkCode(citizenId, CODE, new Date(at.getTime() + 600_000));
    await services.citizens.redeemLinkCode(CODE, TELEGRAM, at);
    await services.citizens.createLinkCode(citizenId, 'QMZ7WEB1', new Date(at.getTime() + 600_000));
    await services.citizens.redeemLinkCode('QMZ7WEB1', WEB, at);
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
    await services.attempts.start(attempt);
    await services.attempts.commit(
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
    const logged = (await services.tables.rows('unanswered_questions')).find(
      (r) => r.channel === ZALO.channel && r.user_id === ZALO.userId,
    );
    expect(logged?.question).toEqual(expect.any(String));
    await services.learning.decide({
      id: 'grp-1',
      status: 'ignored',
      anchor: String(logged?.question),
      entryId: null,
      firstAskedAt: at.toISOString(),
      decidedBy: 'admin',
      decidedAt: at.toISOString(),
      reason: null,
    });

    // What the channels keep about them.
    // (A reply queued on their message moves their 24-hour window: `touch`, then the outbox row.)
    const zalo = services.channelStores.zalo('app-1');
    const ev = (o: object) => JSON.stringify(o);
    await zalo.state.receive('msg:qm1', ZALO.userId, ev({ kind: 'text', userId: ZALO.userId, text: QUESTION }), at);
    await zalo.state.receive(`follow:${ZALO.userId}:1`, ZALO.userId, ev({ kind: 'follow', userId: ZALO.userId }), at);
    await zalo.state.markHandled('msg:qm1', at);
    await zalo.state.markHandled(`follow:${ZALO.userId}:1`, at);
    await zalo.state.touch(ZALO.userId, at);
    await zalo.enqueue(ZALO.userId, [{ text: `Chào ${NAME}` }], at);
    await zalo.state.receive('msg:other1', OTHER.userId, ev({ kind: 'follow', userId: OTHER.userId }), at);
    await zalo.state.markHandled('msg:other1', at);
    await zalo.state.touch(OTHER.userId, at);
    await zalo.enqueue(OTHER.userId, [{ text: 'Chào bà con' }], at);
    const telegram = services.channelStores.telegram;
    await telegram.savePoll({
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
    await telegram.markInactive(Number(TELEGRAM.userId), 'blocked', at);
    await telegram.putCallbackValue('cb-qm-1', `quiz:ans:${attemptId}:0:1:long-value`, at);

    // They asked a person on Zalo and on the web; staff answered (handoff threads, issue 18 item 6).
    const handoff = services.handoff.store;
    const zaloThread = await handoff.open({ ...ZALO, citizenId, hamletId: 'bai-dau', reason: 'asked', at });
    await handoff.append(zaloThread.id, { author: 'resident', text: QUESTION, at });
    await handoff.append(zaloThread.id, { author: 'staff', staffId: 'staff-1', text: `Chào ${NAME}`, at });
    await handoff.close(zaloThread.id, 'staff-1', at);
    const webThread = await handoff.open({ ...WEB, reason: 'offered', at });
    await handoff.append(webThread.id, { author: 'resident', text: QUESTION, at });
  });

  afterEach(async () => {
    await services?.close();
  });

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
    const tables = await tablesWithRows(services.tables);
    expect(tables).toEqual(expect.arrayContaining(['citizens', 'unanswered_questions', 'zalo_events', 'outbox']));
    const before = await traces(services.tables, needles());
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

    expect(await traces(services.tables, needles())).toEqual([]);
    // The other resident keeps everything.
    expect((await traces(services.tables, [OTHER.userId])).length).toBeGreaterThanOrEqual(3);
  });

  it('a resident who never registered still has their questions and channel rows erased', async () => {
    await services.engine.handle({ ...OTHER, text: 'xóa dữ liệu của tôi' });
    const done = await services.engine.handle({ ...OTHER, choice: 'me:delete:yes' });
    expect(done[0]?.text).toMatch(/Đã xóa/);
    expect(await traces(services.tables, [OTHER.userId])).toEqual([]);
    // The registered one is untouched.
    expect((await traces(services.tables, [ZALO.userId])).length).toBeGreaterThan(3);
  });

  it('keeps the commune’s counts: the passes stay as anonymous counts, which the reports include', async () => {
    const reports = services.reports;
    const passes = await reports.completionCounts();
    const programme = await reports.programmeCounts();
    expect(passes).toContainEqual({ hamletId: 'bai-dau', groupId: 'nguoi-dan', quizId: QUIZ, passed: 1 });
    expect(programme).toContainEqual({ hamletId: 'bai-dau', groupId: 'nguoi-dan', completed: 1 });

    await services.engine.handle({ ...ZALO, text: 'xóa dữ liệu của tôi' });
    await services.engine.handle({ ...ZALO, choice: 'me:delete:yes' });

    expect(await reports.completionCounts()).toEqual(passes);
    expect(await reports.programmeCounts()).toEqual(programme);
    expect(await services.tables.rows('anonymous_passes')).toEqual([
      {
        commune_id: services.communeId,
        hamlet: 'bai-dau',
        target_group: 'nguoi-dan',
        quiz_id: QUIZ,
        passed_on: clock.now().toISOString().slice(0, 10),
        passes: 1,
      },
    ]);
    expect(await services.tables.rows('quiz_passes')).toEqual([]);
  });
});
