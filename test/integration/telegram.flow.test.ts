/**
 * The Telegram channel over the real engine on SQLite or PostgreSQL
 * (test/testService.ts, the delivery npm start uses on each), driven
 * through `bot.handleUpdate` with a recording fake Bot API: a learner starts,
 * registers, takes a quiz, passes and reads their results, in both quiz
 * presentations (inline buttons edited in place, native quiz polls). The pass
 * is recorded exactly once whatever the learner double-taps, and a
 * redelivered update is handled once.
 */
import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { QuizStyle } from '../../src/channels/telegram/config.js';
import { WELCOME } from '../../src/core/conversation/texts.js';
import { LIST_INTRO, STALE_ANSWER } from '../../src/core/quiz/texts.js';
import { ASK_BIRTH_YEAR, ASK_GROUP, ASK_NAME, CONSENT, FORM_DONE } from '../../src/core/registry/texts.js';
import { fixedClock } from '../helpers.js';
import { testService, type TestService } from '../testService.js';
import {
  callbackUpdate,
  completionsIn,
  FakeBotApi,
  Learner,
  pollAnswerUpdate,
  rightLabel,
  testBotOn,
  textUpdate,
} from './telegramFixtures.js';

const QUIZ_ID = 'an-toan-tai-khoan';

describe.each<QuizStyle>(['buttons', 'poll'])('Telegram quiz flow with %s', (style) => {
  let services: TestService;
  let api: FakeBotApi;
  let bot: Bot;
  let title: string;
  let nextUser = style === 'buttons' ? 7_100_000 : 7_200_000;

  beforeAll(async () => {
    services = await testService({ clock: fixedClock() });
    title = services.quizzes.get(QUIZ_ID)?.title ?? '';
    expect(title).not.toBe('');
  });

  afterAll(async () => {
    await services?.close();
  });

  beforeEach(() => {
    api = new FakeBotApi();
    bot = testBotOn(services, api, { quizStyle: style });
  });

  const learner = (): Learner => new Learner(api, (u) => bot.handleUpdate(u), ++nextUser);
  /** The quiz's button in the list (a ✅ or ▶ mark may precede the title). */
  const quizButton = (): RegExp => new RegExp(`${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

  /** Answers the question now shown, correctly, as this presentation lets a learner answer; returns the update. */
  async function answerRight(l: Learner): Promise<Update> {
    if (style === 'poll') {
      const poll = l.lastPoll();
      const update = pollAnswerUpdate(l.userId, poll.poll.id, [poll.poll.correct[0] ?? -1]);
      await bot.handleUpdate(update);
      return update;
    }
    const question = l.lastMessage();
    const { data } = l.find(rightLabel(services, question.text));
    const update = callbackUpdate(l.userId, data, { ...question });
    await bot.handleUpdate(update);
    // Shown in place: the question now carries the pick and the verdict, and no buttons.
    const edited = api.messages.get(question.messageId);
    expect(edited?.text).toContain('👉 Bà con chọn:');
    expect(edited?.text).toContain('✅ Chính xác!');
    expect(edited?.replyMarkup).toBeUndefined();
    return update;
  }

  async function startQuiz(l: Learner, register: boolean): Promise<void> {
    await l.say('/quiz');
    expect(api.texts(l.chatId).at(-1)).toBe(LIST_INTRO);
    await l.press(quizButton());
    expect(api.texts(l.chatId).at(-1)).toBe(CONSENT);
    if (!register) {
      await l.press('Bỏ qua');
      return;
    }
    await l.press('Đồng ý');
    expect(api.texts(l.chatId).at(-1)).toBe(ASK_NAME);
    await l.say('Cô Lan');
    expect(api.texts(l.chatId).at(-1)).toBe(ASK_GROUP);
    await l.press('Người dân trong độ tuổi trưởng thành');
    expect(api.texts(l.chatId).at(-1)).toBe(ASK_BIRTH_YEAR);
    await l.say('1975');
    expect(api.texts(l.chatId)).toContain(FORM_DONE);
  }

  it('/start welcomes the learner with the menu', async () => {
    const l = learner();
    await l.say('/start');
    const [first] = api.posts(l.chatId);
    expect(first?.method).toBe('sendMessage');
    expect(first?.payload.text).toBe(WELCOME);
    expect(JSON.stringify(first?.payload.reply_markup)).toContain('Làm bài kiểm tra');
    expect(api.methods()).not.toContain('getMe');
  });

  it('registration → quiz → pass → /ketqua, with the pass recorded exactly once', async () => {
    const l = learner();
    await l.say('/start');
    await startQuiz(l, true);
    const citizen = await services.citizens.findByIdentity({ channel: 'telegram', userId: String(l.userId) });
    expect(citizen?.consent).toBe('given');
    expect(citizen?.profile).toMatchObject({ displayName: 'Cô Lan', group: 'nguoi-dan', birthYear: 1975 });

    const total = services.quizzes.get(QUIZ_ID)?.questions.length ?? 0;
    let last: Update | undefined;
    for (let i = 0; i < total; i++) last = await answerRight(l);
    const texts = api.texts(l.chatId);
    expect(texts.some((t) => t.includes(`đã đạt bài "${title}"`))).toBe(true);
    expect(await completionsIn(services, l.userId)).toEqual({ passes: 1, finished: 1 });
    if (style === 'poll') {
      expect(api.calls.filter((c) => c.method === 'sendPoll')).toHaveLength(total);
      const poll = api.calls.find((c) => c.method === 'sendPoll')?.payload;
      expect(poll).toMatchObject({ type: 'quiz', is_anonymous: false });
      expect(poll?.correct_option_ids).toHaveLength(1);
      expect((poll?.explanation as string).length).toBeLessThanOrEqual(200);
      // The poll already showed the verdict and the whole explanation: no separate feedback message.
      expect(texts.some((t) => t.startsWith('✅ Chính xác!'))).toBe(false);
    } else {
      expect(api.methods()).toContain('answerCallbackQuery');
      expect(api.methods()).not.toContain('sendPoll');
    }

    // The last answer again, under a fresh update id (a double tap, a second vote): nothing changes.
    await bot.handleUpdate({ ...last, update_id: (last?.update_id ?? 0) + 500_000 });
    expect(api.texts(l.chatId).at(-1)).toContain('Lượt làm bài này đã kết thúc');
    expect(await completionsIn(services, l.userId)).toEqual({ passes: 1, finished: 1 });

    await l.say('/ketqua');
    const results = api.texts(l.chatId).at(-1) ?? '';
    expect(results).toContain('Kết quả của bà con:');
    expect(results).toContain(`✅ ${title}: đã đạt`);
  });

  it('stale and double presses advance the quiz once', async () => {
    const l = learner();
    await startQuiz(l, false);
    const citizen = await services.citizens.findByIdentity({ channel: 'telegram', userId: String(l.userId) });
    const active = () => services.attempts.active(citizen?.id ?? '');

    let twice: [Update, Update];
    if (style === 'poll') {
      const poll = l.lastPoll();
      const right = poll.poll.correct[0] ?? 0;
      twice = [pollAnswerUpdate(l.userId, poll.poll.id, [right]), pollAnswerUpdate(l.userId, poll.poll.id, [right])];
    } else {
      const q1 = l.lastMessage();
      const snapshot = { ...q1, replyMarkup: q1.replyMarkup };
      const { data } = l.find(rightLabel(services, q1.text));
      twice = [callbackUpdate(l.userId, data, snapshot), callbackUpdate(l.userId, data, snapshot)];
    }
    // Both taps arrive together; the per-learner queue runs them one after the other.
    await Promise.all(twice.map((u) => bot.handleUpdate(u)));
    expect((await active())?.current).toBe(1);
    expect((await active())?.correct).toBe(1);
    expect(api.texts(l.chatId)).toContain(STALE_ANSWER);

    // Much later, the first question's button again: still question 2, nothing recorded.
    await bot.handleUpdate({ ...twice[0], update_id: twice[0].update_id + 100_000 });
    expect((await active())?.current).toBe(1);
    expect(await completionsIn(services, l.userId)).toEqual({ passes: 0, finished: 0 });
  });

  it('handles a redelivered update_id once', async () => {
    const l = learner();
    const update = textUpdate(l.userId, '/start');
    await bot.handleUpdate(update);
    const after = api.calls.length;
    expect(after).toBeGreaterThan(0);
    await bot.handleUpdate(update);
    await bot.handleUpdate(structuredClone(update));
    expect(api.calls.length).toBe(after);
  });
});
