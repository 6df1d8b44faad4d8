/**
 * What a crash would leave while a Bot API call is slow. A button press is
 * one turn, claimed by its update id (so a redelivery is not handled twice)
 * in the turn's commit; if the claim committed on its own while Telegram was slow to
 * answer the spinner-stopping call, a kill -9 at that moment would leave the
 * update marked handled with the learner's answer never recorded, and the
 * redelivery after the restart would be skipped. Here the fake Bot API holds
 * `answerCallbackQuery`, and a second connection reads what is committed at
 * that moment: exactly what the file would hold after a kill -9.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { keepStatements } from '../../src/storage/sqlite/db.js';
import type { Bot } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/services.js';
import { fixedClock, readyServices, tempDir } from '../helpers.js';
import { callbackUpdate, FakeBotApi, Learner, rightLabel, testBot } from './telegramFixtures.js';

const QUIZ_ID = 'an-toan-tai-khoan';

describe('a button press while answerCallbackQuery is slow', () => {
  let tmp: { dir: string; cleanup: () => void };
  let services: Services;
  let api: FakeBotApi;
  let bot: Bot;
  let dbPath: string;

  beforeAll(async () => {
    tmp = tempDir('hocvuso-telegram-pending-');
    dbPath = join(tmp.dir, 'hocvuso.db');
    services = await readyServices({ DATABASE_PATH: dbPath }, fixedClock());
    api = new FakeBotApi();
    bot = testBot(services, api);
  });

  afterAll(() => {
    services?.close();
    tmp?.cleanup();
  });

  /** Committed state, read through a connection of its own (the service's sees its open transaction). */
  function committed(updateId: number, userId: number): { claimed: boolean; answers: number } {
    const db = keepStatements(new Database(dbPath, { readonly: true }));
    try {
      const claimed =
        db.prepare('SELECT 1 FROM turn_claims WHERE claim_key = ?').get(`telegram:${updateId}`) !== undefined;
      const row = db
        .prepare(
          `SELECT a.answers_json AS answers FROM quiz_attempts a
             JOIN citizen_identities i ON i.citizen_id = a.citizen_id
            WHERE i.channel = 'telegram' AND i.user_id = ? AND a.status = 'active'`,
        )
        .get(String(userId)) as { answers: string } | undefined;
      return { claimed, answers: row ? (JSON.parse(row.answers) as unknown[]).length : 0 };
    } finally {
      db.close();
    }
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
    const atCrash = committed(update.update_id, l.userId);
    expect(atCrash.claimed ? atCrash.answers : 1).toBe(1);
    release();
    await handled;
    expect(committed(update.update_id, l.userId)).toEqual({ claimed: true, answers: 1 });
  });
});
