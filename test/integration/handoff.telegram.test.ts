/**
 * Handoff to commune staff on Telegram (issue 18 item 6), on SQLite or
 * PostgreSQL (test/testService.ts: the Telegram channel npm start runs on
 * each, plugged into the handoff as run.ts does), through
 * `bot.handleUpdate` and the fake Bot API: `/nguoi` opens a thread routed to
 * the resident's hamlet with the commune's working hours as staff typed them,
 * suspends the quiz in progress, and tells the staff group without any name
 * or number; the resident's messages land in the thread while the bot stays
 * silent; a staff reply goes out through Telegram's outbox and shows "sent"
 * only after Telegram accepted it (a 429 first keeps it pending); "Xong"
 * gives the chat back to the bot and offers the quiz back. In a group,
 * `/nguoi` is turned away.
 */
import { loadChannelSettings } from '../../src/channelSettings.js';
import { inboundOf } from '../../src/channels/telegram/inbound.js';
import type { TelegramConfig } from '../../src/channels/telegram/config.js';
import type { TelegramRuntime } from '../../src/channels/telegram/runtime.js';
import { connectHandoff } from '../../src/run.js';
import { ConfigError } from '../../src/config.js';
import { HANDOFF_ASK } from '../../src/core/handoff/intent.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACKNOWLEDGED, CLOSED } from '../../src/core/handoff/texts.js';
import type { HandoffScope } from '../../src/core/stores/handoff.js';
import { fixedClock, memoryLogger } from '../helpers.js';
import { testService, type TestService } from '../testService.js';
import { BOT_INFO, FakeBotApi, GROUP_ID, Learner, TEST_TOKEN, textUpdate } from './telegramFixtures.js';

const RESIDENT = 5_550_001;
const STAFF_CHAT = -1_009_876_543_210;
const HOURS = 'sáng 7 giờ 30 đến 11 giờ 30, chiều 13 giờ 30 đến 17 giờ, thứ Hai đến thứ Sáu';
const XOM = { id: 'xom-dong', name: 'Xóm Đông' };
const COMMUNE: HandoffScope = { kind: 'commune' };

/** The .env of a Telegram bot with a staff group, as parsed at start. */
function telegramSettings(): TelegramConfig {
  const telegram = loadChannelSettings({
    TELEGRAM_BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_STAFF_CHAT_ID: String(STAFF_CHAT),
    TELEGRAM_THROTTLE: 'off',
  }).telegram;
  if (!telegram) throw new Error('TELEGRAM_BOT_TOKEN set: the channel is on');
  return telegram;
}

describe('handoff on Telegram', () => {
  let services: TestService;
  let api: FakeBotApi;
  let flush: (userId: string) => Promise<void>;
  let learner: Learner;
  const clock = fixedClock();

  beforeAll(async () => {
    services = await testService({ clock });
    await services.settings.saveHamlets([XOM], [], 'admin', clock.now());
    await services.settings.saveContacts({ office: { hours: HOURS } }, 'admin', clock.now());
    await services.commune.reload();
    api = new FakeBotApi();
    // The channel npm start runs on this database, not started: updates are handed to its bot.
    const runtime = services.telegramRuntime(telegramSettings(), {
      clock,
      logger: memoryLogger().logger,
      bot: { botInfo: BOT_INFO, transport: api.transport, retry: { maxRetryAttempts: 1, maxDelaySeconds: 2 } },
    });
    // What run.ts (pgRun.ts) does for a running Telegram channel with TELEGRAM_STAFF_CHAT_ID set.
    connectHandoff(services, [runtime]);
    const route = runtime.replyRoute;
    if (!route?.flush) throw new Error('the Telegram channel has no reply route that sends');
    flush = route.flush.bind(route);
    learner = new Learner(api, (u) => runtime.bot.handleUpdate(u), RESIDENT);

    // A registered resident of Xóm Đông, half-way into a quiz.
    const citizen = await services.citizens.ensure(
      { channel: 'telegram', userId: String(RESIDENT) },
      'cit-dong-1',
      clock.now(),
    );
    await services.citizens.update(
      citizen.id,
      { consent: 'given', profile: { displayName: 'Nguyễn Thị Lan', hamlet: XOM.id, group: 'nguoi-dan' } },
      clock.now(),
    );
  });

  afterAll(async () => {
    await services?.close();
  });

  const sentSince = (n: number): string[] => api.texts(RESIDENT).slice(n);

  it('open → silent bot → staff reply sent only once Telegram accepted → "Xong" with the quiz offered back', async () => {
    const quiz = services.quizzes.list()[0];
    if (!quiz) throw new Error('no quiz bank');
    await learner.say('/quiz');
    await learner.press(quiz.title);
    expect(learner.lastMessage().text).toMatch(/Câu 1/);

    let seen = api.texts(RESIDENT).length;
    await learner.say('/nguoi');
    const opening = sentSince(seen).join('\n');
    expect(opening).toMatch(/chuyển cuộc trò chuyện cho cán bộ xã/);
    expect(opening).toContain(HOURS);
    expect(opening).toMatch(/Bài kiểm tra bà con đang làm dở được giữ lại/);
    const thread = await services.handoff.store.openThreadOf('telegram', String(RESIDENT));
    expect(thread).toMatchObject({
      hamletId: XOM.id,
      citizenId: 'cit-dong-1',
      suspendedQuiz: quiz.id,
      reason: 'asked',
    });
    if (!thread) throw new Error('no thread');

    // The staff group hears of it: where from, never who.
    await flush(String(STAFF_CHAT));
    const notice = api.texts(STAFF_CHAT);
    expect(notice).toEqual([
      'Có câu hỏi mới cần cán bộ trả lời (Xóm Đông, kênh Telegram). Mời cán bộ mở trang quản trị để trả lời.',
    ]);
    expect(notice.join()).not.toMatch(/Lan|5550001|cit-dong/);

    // The resident writes: one acknowledgement, then silence, everything in the thread.
    seen = api.texts(RESIDENT).length;
    await learner.say('Con tôi mới sinh, làm khai sinh online thế nào?');
    await learner.say('Tôi ở gần trạm y tế');
    expect(sentSince(seen)).toEqual([ACKNOWLEDGED]);
    expect((await services.handoff.store.messages(thread.id, 0, 10)).map((m) => m.text)).toEqual([
      'Con tôi mới sinh, làm khai sinh online thế nào?',
      'Tôi ở gần trạm y tế',
    ]);

    // A staff reply that Telegram first refuses (429): still pending, then sent once accepted.
    api.refuseNext('sendMessage', 429, 'Too Many Requests: retry after 30', 30);
    seen = api.texts(RESIDENT).length;
    const reply = await services.handoff.actions.reply(
      thread.id,
      { kind: 'hamlet', hamletId: XOM.id },
      'staff-dong',
      'Bà con vào dichvucong.gov.vn, chọn Liên thông khai sinh nhé.',
      { confirmed: false },
    );
    if (!reply.ok) throw new Error(JSON.stringify(reply));
    await flush(String(RESIDENT));
    await services.handoff.store.refreshDelivery(thread.id);
    const delivery = async () =>
      (await services.handoff.store.messages(thread.id, 0, 10)).find((m) => m.author === 'staff')?.delivery;
    expect(await delivery()).toBe('pending');
    clock.set(new Date(clock.now().getTime() + 31_000).toISOString());
    await flush(String(RESIDENT));
    await services.handoff.store.refreshDelivery(thread.id);
    expect(await delivery()).toBe('sent');
    expect(sentSince(seen).at(-1)).toBe(
      '👤 Cán bộ xã trả lời:\nBà con vào dichvucong.gov.vn, chọn Liên thông khai sinh nhé.',
    );

    // "Xong": the bot is back, and offers the quiz back.
    seen = api.texts(RESIDENT).length;
    expect(await services.handoff.actions.close(thread.id, COMMUNE, 'staff-dong')).toBe(true);
    await flush(String(RESIDENT));
    const closing = sentSince(seen);
    expect(closing[0]).toBe(CLOSED);
    expect(closing[1]).toContain(quiz.title);
    await learner.press('Tiếp tục bài đang làm');
    expect(learner.lastMessage().text).toMatch(/Câu 1/);
    expect(await services.handoff.store.openThreadOf('telegram', String(RESIDENT))).toBeUndefined();
  });

  it('in a group, /nguoi is turned away and opens nothing', async () => {
    const member = new Learner(api, learner.deliver, 5_550_002, GROUP_ID);
    await member.say(`/nguoi@${BOT_INFO.username}`);
    await flush('5550002');
    expect(api.texts(GROUP_ID).at(-1)).toMatch(/nhắn riêng với trợ lý/);
    expect(await services.handoff.store.openThreadOf('telegram', '5550002')).toBeUndefined();
  });

  it('TELEGRAM_STAFF_CHAT_ID is optional, parsed once with the channel settings, and a bad one is named', () => {
    expect(loadChannelSettings({ TELEGRAM_BOT_TOKEN: TEST_TOKEN }).telegram?.TELEGRAM_STAFF_CHAT_ID).toBeUndefined();
    expect(
      loadChannelSettings({ TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_STAFF_CHAT_ID: ' -1009876543210 ' }).telegram
        ?.TELEGRAM_STAFF_CHAT_ID,
    ).toBe(STAFF_CHAT);
    expect(() => loadChannelSettings({ TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_STAFF_CHAT_ID: '@canboxa' })).toThrow(
      ConfigError,
    );
    expect(() =>
      loadChannelSettings({ TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_STAFF_CHAT_ID: 'nhom-can-bo' }),
    ).toThrow(/TELEGRAM_STAFF_CHAT_ID/);
  });

  it('/nguoi is the choice of asking for a person', () => {
    const update = textUpdate(RESIDENT, '/nguoi');
    if (!update.message) throw new Error('no message');
    expect(inboundOf(update.message, BOT_INFO)).toEqual({ kind: 'engine', choice: HANDOFF_ASK });
  });

  it('the composition root connects a Telegram channel switched on by its settings: replies and the staff notice', async () => {
    const other = await testService({ clock });
    try {
      const runtime: TelegramRuntime = other.telegramRuntime(telegramSettings(), {
        clock,
        logger: memoryLogger().logger,
        bot: { botInfo: BOT_INFO, transport: new FakeBotApi().transport },
      });
      expect(other.handoff.routes.get('telegram')).toBeUndefined();
      connectHandoff(other, [runtime]);
      expect(other.handoff.routes.get('telegram')).toBe(runtime.replyRoute);
      // A visitor of the web chat asks for a person: the thread's opening queues the staff group's notice.
      const res = await other.request('/api/chat', {
        method: 'POST',
        body: JSON.stringify({ user: 'page', choice: HANDOFF_ASK }),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(200);
      const queued = (await other.tables.rows('outbox'))
        .filter((r) => r.channel === 'telegram' && r.user_id === String(STAFF_CHAT))
        .map((r) => JSON.parse(String(r.payload_json)) as unknown);
      expect(queued).toEqual([
        {
          op: 'reply',
          chatId: STAFF_CHAT,
          reply: {
            kind: 'notice',
            text: 'Có câu hỏi mới cần cán bộ trả lời (chưa rõ xóm, kênh trang web). Mời cán bộ mở trang quản trị để trả lời.',
          },
        },
      ]);
    } finally {
      await other.close();
    }
  });
});
