/**
 * The outgoing side of the Telegram channel, on SQLite or PostgreSQL
 * (test/testService.ts `telegramBot`: the delivery npm start uses on each),
 * through `bot.handleUpdate` and a fake Bot API that can refuse calls: a 429
 * is retried after `retry_after`, a 403 marks the chat inactive (persisted)
 * and is not retried, a failure in the engine is logged with personal data
 * masked and answered with an apology instead of crashing, button values
 * over 64 bytes travel as short ids, a quiz question too long for a poll
 * falls back to buttons, and stickers or unknown commands get a short
 * helpful reply.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CALLBACK_BYTES } from '../../src/channels/telegram/callbackData.js';
import { MEDIA_NOT_READ, SOMETHING_WENT_WRONG, UNKNOWN_COMMAND } from '../../src/channels/telegram/texts.js';
import type { Engine } from '../../src/core/conversation/engine.js';
import type { IncomingMessage, OutgoingReply } from '../../src/core/messages.js';
import { LINKED } from '../../src/core/registry/texts.js';
import { fixedClock, memoryLogger } from '../helpers.js';
import { testService, type TelegramBotParts, type TestService } from '../testService.js';
import { BOT_INFO, FakeBotApi, Learner, mediaUpdate, TEST_TOKEN } from './telegramFixtures.js';

describe('Telegram delivery', () => {
  let services: TestService;

  beforeAll(async () => {
    services = await testService();
  });

  afterAll(async () => {
    await services?.close();
  });

  const store = () => services.channelStores.telegram;

  function setup(overrides: Partial<TelegramBotParts> = {}) {
    const api = new FakeBotApi();
    const { logger, lines } = memoryLogger();
    const { bot } = services.telegramBot({
      token: TEST_TOKEN,
      botInfo: BOT_INFO,
      logger,
      clock: fixedClock(),
      quizStyle: 'buttons',
      transport: api.transport,
      retry: { maxRetryAttempts: 2, maxDelaySeconds: 5 },
      networkRetry: { attempts: 2, firstDelayMs: 50 },
      ...overrides,
    });
    const learner = (id: number) => new Learner(api, (u) => bot.handleUpdate(u), id);
    return { api, bot, lines, learner };
  }

  /** An engine that answers every turn with the given replies (or throws), recording what it was given. */
  function scriptedEngine(reply: (m: IncomingMessage) => OutgoingReply[]): Engine & { seen: IncomingMessage[] } {
    const seen: IncomingMessage[] = [];
    return {
      seen,
      handle: (m) => {
        seen.push(m);
        return Promise.resolve(reply(m));
      },
      ask: () => Promise.reject(new Error('not used')),
    };
  }

  it('retries a 429 after retry_after and then delivers', async () => {
    const { api, learner } = setup();
    api.refuseNext('sendMessage', 429, 'Too Many Requests: retry after 1', 1);
    const started = performance.now();
    await learner(8_100_001).say('/start');
    const elapsed = performance.now() - started;
    expect(api.methods().filter((m) => m === 'sendMessage')).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(api.texts(8_100_001)).toHaveLength(2);
  });

  it('with the throttler on, a turn of six messages goes out in order: a burst of four, then one a second', async () => {
    const engine = scriptedEngine(() =>
      Array.from({ length: 6 }, (_, i) => ({ kind: 'notice', text: `phần ${i + 1}` })),
    );
    const { api, learner } = setup({ engine, throttle: true });
    const started = performance.now();
    await learner(8_100_010).say('kể dài');
    const elapsed = performance.now() - started;
    expect(api.texts(8_100_010)).toEqual(['phần 1', 'phần 2', 'phần 3', 'phần 4', 'phần 5', 'phần 6']);
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(4_000);
  });

  it('retries a call that never reached Telegram a few times, then keeps the reply in the outbox and sends it, in order, once its pause is over', async () => {
    const clock = fixedClock();
    const { api, lines, learner } = setup({ clock });
    api.unreachableNext('sendMessage');
    await learner(8_100_011).say('/start');
    expect(api.methods().filter((m) => m === 'sendMessage')).toHaveLength(2);
    expect(api.texts(8_100_011)).toHaveLength(2);

    api.unreachableNext('sendMessage', 3);
    await learner(8_100_011).say('/help');
    expect(api.methods().filter((m) => m === 'sendMessage')).toHaveLength(5);
    expect(lines.join('')).toContain('send failed; will retry');
    const sends = (): number => api.methods().filter((m) => m === 'sendMessage').length;
    // The next update's reply waits behind the one owed: replies go out in order.
    await learner(8_100_011).say('/start');
    expect(sends()).toBe(5);
    clock.set('2026-12-01T08:00:05.000Z');
    await learner(8_100_011).say('/help');
    expect(sends()).toBe(8);
    const [welcome, help] = [api.texts(8_100_011)[0], api.texts(8_100_011)[4]];
    expect(api.texts(8_100_011).slice(5)).toEqual([help, welcome, help]);
  });

  it('marks a chat that blocked the bot inactive, holds its replies without retrying, and sends them when it writes again', async () => {
    const { api, lines, learner } = setup();
    const id = 8_100_002;
    api.refuseNext('sendMessage', 403, 'Forbidden: bot was blocked by the user');
    await learner(id).say('/start');
    expect(api.methods().filter((m) => m === 'sendMessage')).toHaveLength(1);
    expect(await store().isInactive(id)).toBe(true);
    const rows = (await services.tables.rows('telegram_inactive_users')).filter((r) => Number(r.chat_id) === id);
    expect(rows).toHaveLength(1);
    expect(String(rows[0]?.reason)).toContain('blocked');
    expect(lines.join('')).not.toContain(SOMETHING_WENT_WRONG);
    expect(api.texts(id)).toHaveLength(1);
    const held = (await services.tables.rows('outbox')).filter(
      (r) => r.channel === 'telegram' && r.user_id === String(id),
    );
    expect(held.map((r) => r.status)).toEqual(['held']);

    await learner(id).say('/help');
    expect(await store().isInactive(id)).toBe(false);
    // The welcome held while the bot was blocked goes out first, then the answer to /help.
    const [welcome] = api.texts(id);
    expect(api.texts(id)).toHaveLength(3);
    expect(api.texts(id)[1]).toBe(welcome);
    expect(api.texts(id)[2]).not.toBe(welcome);
  });

  it('records a block reported through my_chat_member', async () => {
    const { bot } = setup();
    const id = 8_100_003;
    const member = (status: 'kicked' | 'member', updateId: number) => ({
      update_id: updateId,
      my_chat_member: {
        chat: { id, type: 'private' as const, first_name: 'Lan' },
        from: { id, is_bot: false, first_name: 'Lan' },
        date: 1,
        old_chat_member: { status: 'member' as const, user: BOT_INFO },
        new_chat_member: status === 'kicked' ? { status, user: BOT_INFO, until_date: 0 } : { status, user: BOT_INFO },
      },
    });
    await bot.handleUpdate(member('kicked', 9_100_001));
    expect(await store().isInactive(id)).toBe(true);
    await bot.handleUpdate(member('member', 9_100_002));
    expect(await store().isInactive(id)).toBe(false);
  });

  it('logs an engine failure with personal data masked, apologises, and keeps going', async () => {
    const engine = scriptedEngine((m) => {
      if (m.text?.includes('hỏng')) throw new Error('database on fire while reading 0912345678');
      return [{ kind: 'notice', text: 'vẫn chạy' }];
    });
    const { api, lines, learner } = setup({ engine });
    await learner(8_100_004).say('hỏng rồi');
    expect(api.texts(8_100_004)).toEqual([SOMETHING_WENT_WRONG]);
    const log = lines.join('');
    expect(log).toContain('telegram: engine failed');
    expect(log).not.toContain('0912345678');
    await learner(8_100_004).say('còn đó không');
    expect(api.texts(8_100_004).at(-1)).toBe('vẫn chạy');
  });

  it('sends a button value over 64 bytes as a short id and resolves it on the press', async () => {
    const long = `faq:${'hướng-dẫn-kích-hoạt-tài-khoản-định-danh-điện-tử-mức-hai'.repeat(2)}`;
    const engine = scriptedEngine((m) =>
      m.choice
        ? [{ kind: 'notice', text: `chọn ${m.choice}` }]
        : [{ kind: 'notice', text: 'Chọn một mục', buttons: [{ label: 'Mục dài', value: long }] }],
    );
    const { api, learner } = setup({ engine });
    const l = learner(8_100_005);
    await l.say('menu');
    const { data } = l.find('Mục dài');
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(MAX_CALLBACK_BYTES);
    expect(data).not.toBe(long);
    await l.press('Mục dài');
    expect(engine.seen.at(-1)?.choice).toBe(long);
    expect(api.texts(8_100_005).at(-1)).toBe(`chọn ${long}`);
  });

  it('falls back to buttons when a quiz question does not fit a poll', async () => {
    const quiz = { quizId: 'q1', attemptId: 'a1', index: 0, total: 1, correctPosition: 0, explanation: 'Vì vậy.' };
    const engine = scriptedEngine(() => [
      {
        kind: 'quiz-question',
        text: `Câu 1/1:\n${'Rất dài '.repeat(50)}`,
        buttons: [
          { label: 'A', value: 'quiz:a:a1:0:0' },
          { label: 'B', value: 'quiz:a:a1:0:1' },
        ],
        quiz,
      },
      {
        kind: 'quiz-question',
        text: 'Câu ngắn?',
        buttons: [
          { label: 'A', value: 'quiz:a:a1:0:0' },
          { label: 'B', value: 'quiz:a:a1:0:1' },
        ],
        quiz,
      },
    ]);
    const { api, learner } = setup({ engine, quizStyle: 'poll' });
    await learner(8_100_006).say('bắt đầu');
    expect(api.methods().filter((m) => m === 'sendMessage' || m === 'sendPoll')).toEqual(['sendMessage', 'sendPoll']);
  });

  it('presents the quizzes named in the per-quiz setting as polls, the others with buttons', async () => {
    const ask = (quizId: string): OutgoingReply => ({
      kind: 'quiz-question',
      text: 'Câu ngắn?',
      buttons: [
        { label: 'A', value: 'quiz:a:a1:0:0' },
        { label: 'B', value: 'quiz:a:a1:0:1' },
      ],
      quiz: { quizId, attemptId: 'a1', index: 0, total: 1, correctPosition: 0, explanation: 'Vì vậy.' },
    });
    const engine = scriptedEngine(() => [ask('bai-poll'), ask('bai-khac')]);
    const { api, learner } = setup({ engine, quizStyle: 'buttons', quizStyles: { 'bai-poll': 'poll' } });
    await learner(8_100_016).say('bắt đầu');
    expect(api.methods().filter((m) => m === 'sendMessage' || m === 'sendPoll')).toEqual(['sendPoll', 'sendMessage']);
  });

  it('answers stickers and unknown commands briefly, without the engine', async () => {
    const engine = scriptedEngine(() => [{ kind: 'notice', text: 'engine' }]);
    const { api, bot, learner } = setup({ engine });
    await bot.handleUpdate(mediaUpdate(8_100_007, 'sticker'));
    await learner(8_100_007).say('/abcxyz');
    expect(api.texts(8_100_007)).toEqual([MEDIA_NOT_READ, UNKNOWN_COMMAND]);
    expect(engine.seen).toHaveLength(0);
  });

  it('/start with a link code from the web chat joins the same citizen', async () => {
    const { api, learner } = setup();
    const [reply] = await services.engine.handle({ channel: 'web', userId: 'web-lan', choice: 'me:link' });
    const code = /Mã liên kết của bà con: ([A-Z0-9]{8})/.exec(reply?.text ?? '')?.[1];
    expect(code).toBeDefined();
    await learner(8_100_009).say(`/start ${code}`);
    expect(api.texts(8_100_009).at(-1)).toBe(LINKED);
    const web = await services.citizens.findByIdentity({ channel: 'web', userId: 'web-lan' });
    const tg = await services.citizens.findByIdentity({ channel: 'telegram', userId: '8100009' });
    expect(web).toBeDefined();
    expect(tg?.id).toBe(web?.id);
  });

  it('maps the commands to the engine, NFC-normalising what was typed', async () => {
    const engine = scriptedEngine(() => [{ kind: 'notice', text: 'ok' }]);
    const { learner } = setup({ engine });
    const l = learner(8_100_008);
    const nfd = 'cách kích hoạt VNeID'.normalize('NFD');
    for (const cmd of [
      '/quiz',
      '/ketqua',
      '/lienket',
      '/xoadulieu',
      '/help',
      '/start',
      '/start K7P2QX9M',
      `/hoi ${nfd}`,
      nfd,
    ]) {
      await l.say(cmd);
    }
    expect(engine.seen.map((m) => m.choice ?? m.text)).toEqual([
      'quiz:list',
      'me:results',
      'me:link',
      'me:delete',
      'menu:help',
      'menu:start',
      'liên kết K7P2QX9M',
      'cách kích hoạt VNeID'.normalize('NFC'),
      'cách kích hoạt VNeID'.normalize('NFC'),
    ]);
    expect(engine.seen.every((m) => m.channel === 'telegram' && m.userId === '8100008')).toBe(true);
  });
});
