/**
 * The Telegram channel in a group: it speaks only when addressed (a command,
 * a mention, a reply to one of its messages), strips its mention before the
 * engine reads the text, and never posts one learner's results, data or link
 * code where the group reads along — whether asked by command, by typed
 * words, by a button, or by a number picking a button offered earlier. On
 * SQLite or PostgreSQL (test/testService.ts).
 */
import type { Message } from 'grammy/types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { groupSafe } from '../../src/channels/telegram/privacy.js';
import { GROUP_QUIZ_IN_GROUP, PRIVATE_ONLY_ALERT, privateOnly } from '../../src/channels/telegram/texts.js';
import * as GroupT from '../../src/core/quiz/groupTexts.js';
import { RESULTS_EMPTY } from '../../src/core/quiz/texts.js';
import { testService, type TestService } from '../testService.js';
import {
  BOT_INFO,
  callbackUpdate,
  FakeBotApi,
  GROUP_ID,
  Learner,
  mediaUpdate,
  groupChat,
  rightLabel,
  testBotOn,
} from './telegramFixtures.js';

describe('Telegram in a group', () => {
  let services: TestService;
  let api: FakeBotApi;
  let inGroup: Learner;
  let inPrivate: Learner;
  const USER = 8_200_001;
  const POINTER = privateOnly(BOT_INFO.username);

  beforeAll(async () => {
    services = await testService();
  });

  afterAll(async () => {
    await services?.close();
  });

  beforeEach(() => {
    api = new FakeBotApi();
    const bot = testBotOn(services, api);
    inGroup = new Learner(api, (u) => bot.handleUpdate(u), USER, GROUP_ID);
    inPrivate = new Learner(api, (u) => bot.handleUpdate(u), USER);
  });

  const mention = (text: string) => ({
    entities: [{ type: 'mention' as const, offset: text.indexOf('@'), length: BOT_INFO.username.length + 1 }],
  });

  it('stays silent when the group talks among itself', async () => {
    await inGroup.say('Mọi người ơi, chiều nay họp ở nhà văn hóa nhé');
    await inGroup.say('/quiz@some_other_bot');
    await inGroup.say('/lenhla');
    await inGroup.deliver(mediaUpdate(USER, 'photo', groupChat()));
    expect(api.calls).toEqual([]);
  });

  it('answers when mentioned, with the mention cut out of the question', async () => {
    const text = `@${BOT_INFO.username} cách kích hoạt VNeID mức 2?`;
    await inGroup.say(text, mention(text));
    const [reply] = api.posts(GROUP_ID);
    expect(reply?.payload.chat_id).toBe(GROUP_ID);
    expect(String(reply?.payload.text)).toMatch(/VNeID/);
  });

  it('answers a reply to its own message and a command', async () => {
    const own = { message_id: 1, date: 1, chat: groupChat(), from: BOT_INFO, text: 'Xin chào' } as Message;
    await inGroup.say('cảm ơn trợ lý', { replyTo: own });
    await inGroup.say('/help');
    expect(api.posts(GROUP_ID)).toHaveLength(2);
  });

  it('never posts results in the group: /ketqua, typed words, a button, or a number', async () => {
    await inGroup.say('/ketqua');
    await inGroup.say(`/ketqua@${BOT_INFO.username}`);
    const typed = `@${BOT_INFO.username} xem kết quả của tôi`;
    await inGroup.say(typed, mention(typed));
    await inGroup.say('/lienket');
    expect(api.texts(GROUP_ID)).toEqual([POINTER, POINTER, POINTER, POINTER]);

    // A "Kết quả của tôi" button under a group message: an alert for the presser only.
    await inGroup.say('/start');
    api.reset();
    await inGroup.press('Kết quả của tôi');
    expect(api.methods()).toEqual(['answerCallbackQuery']);
    expect(api.calls[0]?.payload).toMatchObject({ text: PRIVATE_ONLY_ALERT, show_alert: true });

    // The private menu offered "Kết quả của tôi" as its 6th button; "6" typed in the group must not show them.
    await inPrivate.say('/start');
    const sixth = JSON.stringify(api.posts(USER).at(-1)?.payload.reply_markup);
    expect(sixth).toContain('me:results');
    api.reset();
    const six = `@${BOT_INFO.username} 6`;
    await inGroup.say(six, mention(six));
    expect(api.texts(GROUP_ID)).toEqual([POINTER]);

    // In the private chat the same command shows them.
    await inPrivate.say('/ketqua');
    expect(api.texts(USER).at(-1)).toBe(RESULTS_EMPTY);
  });

  it("a bystander's press on someone's quiz question changes nothing and leaves the buttons", async () => {
    const owner = new Learner(api, inGroup.deliver, 8_200_002, GROUP_ID);
    const bystander = new Learner(api, inGroup.deliver, 8_200_003, GROUP_ID);
    await owner.say('/quiz');
    await owner.press(/^VNeID cơ bản$/);
    await owner.press('Bỏ qua');
    const question = owner.lastMessage();
    expect(question.text).toContain('Câu 1/');
    const label = rightLabel(services, question.text);

    await bystander.press(label);
    expect(api.messages.get(question.messageId)?.replyMarkup).toBeDefined();
    expect(api.messages.get(question.messageId)?.text).toBe(question.text);

    await owner.press(label);
    expect(api.messages.get(question.messageId)?.text).toContain('✅ Chính xác!');
    expect(api.messages.get(question.messageId)?.replyMarkup).toBeUndefined();
  });

  it('withholds any reply the engine marks personal, whatever its text, and links the refusal', () => {
    const answer = { kind: 'answer' as const, text: 'Kết quả của bà con: một câu trả lời chung' };
    const personal = { kind: 'personal' as const, text: 'một nội dung riêng' };
    const refused = { kind: 'private-only' as const, text: 'chỉ xem khi nhắn riêng' };
    const pointer = { kind: 'private-only', text: POINTER };
    expect(groupSafe([answer, personal], BOT_INFO.username)).toEqual([answer, pointer]);
    expect(groupSafe([refused], BOT_INFO.username)).toEqual([pointer]);
    expect(groupSafe([answer], BOT_INFO.username)).toEqual([answer]);
  });

  it('runs a group quiz for everyone: anonymous quiz polls, "next" moves the group on once, nothing recorded', async () => {
    const rows = async (table: string): Promise<number> => (await services.tables.rows(table)).length;
    const before = { citizens: await rows('citizens'), attempts: await rows('quiz_attempts') };
    const neighbour = new Learner(api, (u) => inGroup.deliver(u), USER + 1, GROUP_ID);
    const quiz = services.quizzes.list()[0];
    if (!quiz) throw new Error('the bundled banks have quizzes');

    await inGroup.say('/quiznhom');
    expect(api.texts(GROUP_ID).at(-1)).toBe(GroupT.PICK);
    api.reset();
    await neighbour.press(quiz.title);
    const poll = api.calls.find((c) => c.method === 'sendPoll');
    expect(poll?.payload).toMatchObject({ chat_id: GROUP_ID, type: 'quiz', is_anonymous: true });
    expect(api.texts(GROUP_ID)[0]).toBe(GroupT.intro(quiz.title, quiz.questions.length));

    // Two people press "next" for the same question: one answer, one new question.
    api.reset();
    const next = inGroup.find(GroupT.BTN_NEXT);
    await inGroup.press(GroupT.BTN_NEXT);
    await inGroup.deliver(callbackUpdate(USER + 1, next.data, next.message));
    const right = quiz.questions[0];
    expect(api.texts(GROUP_ID).filter((t) => t.startsWith('Đáp án câu 1:'))).toEqual([
      GroupT.answer(1, right?.options[right.answer] ?? '', right?.explanation ?? ''),
    ]);
    expect(api.methods().filter((m) => m === 'sendPoll')).toHaveLength(1);

    // Nobody's answers or results were stored for the group quiz.
    expect({ citizens: await rows('citizens'), attempts: await rows('quiz_attempts') }).toEqual(before);
  });

  it('points to the group when /quiznhom is sent in a private chat', async () => {
    await inPrivate.say('/quiznhom');
    expect(api.texts(USER).at(-1)).toBe(GROUP_QUIZ_IN_GROUP);
  });
});
