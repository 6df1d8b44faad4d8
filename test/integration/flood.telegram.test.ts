/**
 * A flood from one Telegram user, through the real engine and SQLite file:
 * one polite "please wait", then quiet; nothing more reaches the unanswered
 * log, and another user is answered. (The web's flood, on both databases:
 * flood.test.ts.)
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/services.js';
import { fixedClock, readyServices, tempDir } from '../helpers.js';
import { FakeBotApi, Learner, testBot } from './telegramFixtures.js';

const BURST = 5;
const FLOOD = 60;
/** Not in the knowledge base: every one that reaches the engine is logged for staff. */
const MISS = 'giá vàng hôm nay bao nhiêu một chỉ';

describe('flood limits on Telegram', () => {
  let tmp: { dir: string; cleanup: () => void };
  let services: Services;
  const unanswered = (): number =>
    (services.db.prepare('SELECT COUNT(*) AS n FROM unanswered_questions').get() as { n: number }).n;

  beforeAll(async () => {
    tmp = tempDir('hocvuso-flood-tg-');
    services = await readyServices(
      { DATABASE_PATH: join(tmp.dir, 'hocvuso.db'), RATE_LIMIT_BURST: String(BURST), RATE_LIMIT_PER_MINUTE: '6' },
      fixedClock(), // time stands still: nothing refills during the flood
    );
  });

  afterAll(() => {
    services?.close();
    tmp?.cleanup();
  });

  it('telegram: a user flood gets one "please wait", then silence; another user is answered', async () => {
    const api = new FakeBotApi();
    const bot = testBot(services, api, { rateLimit: services.limits.perIdentity });
    const flooder = new Learner(api, (u) => bot.handleUpdate(u), 9_900_001);
    const calm = new Learner(api, (u) => bot.handleUpdate(u), 9_900_002);
    const before = unanswered();
    for (let i = 0; i < FLOOD; i++) await flooder.say(`${MISS} ${i}`);
    const toFlooder = api.calls.filter((c) => c.method === 'sendMessage' && c.payload.chat_id === 9_900_001);
    const waits = toFlooder.filter((c) => String(c.payload.text).startsWith('Bà con gửi hơi nhanh'));
    expect(waits).toHaveLength(1);
    expect(toFlooder.length).toBeLessThanOrEqual(BURST * 3 + 1); // a few messages per answered turn at most
    expect(unanswered() - before).toBeLessThanOrEqual(BURST);

    await calm.say('VNeID là gì?');
    expect(calm.lastMessage().text).toContain('VNeID');
  });
});
