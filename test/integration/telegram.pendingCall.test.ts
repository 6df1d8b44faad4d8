/**
 * What a crash would leave while a Bot API call is slow. A button press is
 * one turn, claimed by its update id (so a redelivery is not handled twice)
 * in the turn's commit; if the claim committed on its own while Telegram was slow to
 * answer the spinner-stopping call, a kill -9 at that moment would leave the
 * update marked handled with the learner's answer never recorded, and the
 * redelivery after the restart would be skipped. Here the fake Bot API holds
 * `answerCallbackQuery`, and a second connection reads what is committed at
 * that moment: exactly what the database would hold after a kill -9. On
 * SQLite or PostgreSQL (test/testService.ts `committed`).
 */
import type { Bot } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../helpers.js';
import { testService, type TestService } from '../testService.js';
import { callbackUpdate, FakeBotApi, Learner, rightLabel, testBotOn } from './telegramFixtures.js';

const QUIZ_ID = 'an-toan-tai-khoan';

describe('a button press while answerCallbackQuery is slow', () => {
  let services: TestService;
  let api: FakeBotApi;
  let bot: Bot;

  beforeAll(async () => {
    services = await testService({ clock: fixedClock() });
    api = new FakeBotApi();
    bot = testBotOn(services, api);
  });

  afterAll(async () => {
    await services?.close();
  });

  /** Committed state, read through a connection of its own (the service's sees its open transaction). */
  async function committed(updateId: number, userId: number): Promise<{ claimed: boolean; answers: number }> {
    const rows = services.committed;
    const claimed = (await rows.rows('turn_claims')).some((r) => r.claim_key === `telegram:${updateId}`);
    const identity = (await rows.rows('citizen_identities')).find(
      (r) => r.channel === 'telegram' && r.user_id === String(userId),
    );
    const attempt = (await rows.rows('quiz_attempts')).find(
      (r) => identity !== undefined && r.citizen_id === identity.citizen_id && r.status === 'active',
    );
    return { claimed, answers: attempt ? (JSON.parse(String(attempt.answers_json)) as unknown[]).length : 0 };
  }

  it('commits the claim together with the recorded answer, never the claim alone', async () => {
    const l = new Learner(api, (u) => bot.handleUpdate(u), 7_300_001);
    await l.say('/quiz');
    await l.press(
      new RegExp(`${(services.quizzes.get(QUIZ_ID)?.title ?? '?').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
    );
    await l.press('Bỏ qua');
    const question = l.lastMessage();
    const { data } = l.find(rightLabel(services, question.text));
    const update = callbackUpdate(l.userId, data, { ...question });

    const release = api.hold('answerCallbackQuery');
    const handled = bot.handleUpdate(update);
    const deadline = Date.now() + 5000;
    while (!api.calls.some((c) => c.method === 'answerCallbackQuery')) {
      if (Date.now() > deadline) throw new Error('answerCallbackQuery was never called');
      await new Promise((r) => setTimeout(r, 5));
    }
    // Let every commit that does not wait for Telegram happen.
    await new Promise((r) => setTimeout(r, 50));
    const atCrash = await committed(update.update_id, l.userId);
    expect(atCrash.claimed ? atCrash.answers : 1).toBe(1);
    release();
    await handled;
    expect(await committed(update.update_id, l.userId)).toEqual({ claimed: true, answers: 1 });
  });
});
