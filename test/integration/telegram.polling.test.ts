/**
 * The real Telegram channel, built from environment variables as `npm start`
 * builds it on SQLite or PostgreSQL (test/testService.ts `telegramRuntime`),
 * long-polling (@grammyjs/runner) a small fake Bot
 * API server on 127.0.0.1 through `TELEGRAM_API_ROOT`: it identifies itself,
 * registers its commands, drops any webhook, and a learner completes a quiz
 * through pushed updates. Stop ends the polling cleanly.
 */
import { loadChannelSettings } from '../../src/channelSettings.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelegramRuntime } from '../../src/channels/telegram/runtime.js';
import { memoryLogger } from '../helpers.js';
import { testService, type TestService } from '../testService.js';
import {
  completionsIn,
  eventually,
  Learner,
  rightLabel,
  startFakeBotApiServer,
  TEST_TOKEN,
  type FakeBotApiServer,
} from './telegramFixtures.js';

describe('Telegram channel in polling mode against a fake Bot API server', () => {
  let services: TestService;
  let server: FakeBotApiServer;
  let runtime: TelegramRuntime | undefined;

  beforeAll(async () => {
    services = await testService();
    server = await startFakeBotApiServer();
  });

  afterAll(async () => {
    await runtime?.stop();
    await server?.close();
    await services?.close();
  });

  it('starts, completes a quiz, and stops', async () => {
    const env = {
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_API_ROOT: server.url,
      TELEGRAM_THROTTLE: 'off',
    };
    const telegram = loadChannelSettings(env).telegram;
    if (!telegram) throw new Error('TELEGRAM_BOT_TOKEN set: the channel is on');
    runtime = services.telegramRuntime(telegram, { logger: memoryLogger().logger });
    expect(runtime.name).toBe('telegram');
    await runtime?.start();
    const api = server.api;
    expect(api.methods().slice(0, 4)).toEqual(['getMe', 'setMyCommands', 'setMyCommands', 'deleteWebhook']);
    await eventually(() => api.methods().includes('getUpdates'));
    const getUpdates = api.calls.find((c) => c.method === 'getUpdates');
    expect(getUpdates?.payload.allowed_updates).toEqual(
      expect.arrayContaining(['message', 'callback_query', 'poll_answer']),
    );

    const l = new Learner(api, (u) => Promise.resolve(server.push(u)), 8_400_001);
    const count = () => api.posts(l.chatId).length;
    const step = async (act: () => Promise<void>) => {
      const before = count();
      await act();
      await eventually(() => count() > before);
      // Let the rest of the turn's replies land before the next step reads them: on PostgreSQL the
      // shared outbox sends a turn's replies one per pass, so wait until none has come for 300 ms.
      for (let seen = count(); ;) {
        await new Promise((r) => setTimeout(r, 300));
        if (count() === seen) break;
        seen = count();
      }
    };

    await step(() => l.say('/quiz'));
    await step(() => l.press(/^Nhận diện lừa đảo/));
    await step(() => l.press('Bỏ qua'));
    const total = services.quizzes.get('nhan-dien-lua-dao')?.questions.length ?? 0;
    for (let i = 0; i < total; i++) {
      await step(() => l.press(rightLabel(services, l.lastMessage().text)));
    }
    await eventually(() => api.texts(l.chatId).some((t) => t.includes('Chúc mừng')));
    expect(await completionsIn(services, l.userId)).toEqual({ passes: 1, finished: 1 });
    expect(api.methods()).toContain('answerCallbackQuery');
    expect(api.methods()).toContain('editMessageText');

    await runtime?.stop();
    // A poll already on the wire may still land; after the fake's 1 s hold, a live runner would ask again.
    await new Promise((r) => setTimeout(r, 100));
    const calls = api.calls.length;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(api.calls.slice(calls).map((c) => c.method)).toEqual([]);
  });
});
