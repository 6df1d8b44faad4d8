/**
 * A flood from one Telegram user, through the real engine on SQLite or
 * PostgreSQL (test/testService.ts):
 * one polite "please wait", then quiet; nothing more reaches the unanswered
 * log, and another user is answered. (The web's flood, on both databases:
 * flood.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../helpers.js';
import { testService, type TestService } from '../testService.js';
import { FakeBotApi, Learner, testBotOn } from './telegramFixtures.js';

const BURST = 5;
const FLOOD = 60;
/** Not in the knowledge base: every one that reaches the engine is logged for staff. */
const MISS = 'giá vàng hôm nay bao nhiêu một chỉ';

describe('flood limits on Telegram', () => {
  let services: TestService;
  const unanswered = async (): Promise<number> => (await services.tables.rows('unanswered_questions')).length;

  beforeAll(async () => {
    services = await testService({
      env: { RATE_LIMIT_BURST: String(BURST), RATE_LIMIT_PER_MINUTE: '6' },
      clock: fixedClock(), // time stands still: nothing refills during the flood
    });
  });

  afterAll(async () => {
    await services?.close();
  });

  it('telegram: a user flood gets one "please wait", then silence; another user is answered', async () => {
    const api = new FakeBotApi();
    const bot = testBotOn(services, api, { rateLimit: services.limits.perIdentity });
    const flooder = new Learner(api, (u) => bot.handleUpdate(u), 9_900_001);
    const calm = new Learner(api, (u) => bot.handleUpdate(u), 9_900_002);
    const before = await unanswered();
    for (let i = 0; i < FLOOD; i++) await flooder.say(`${MISS} ${i}`);
    const toFlooder = api.calls.filter((c) => c.method === 'sendMessage' && c.payload.chat_id === 9_900_001);
    const waits = toFlooder.filter((c) => String(c.payload.text).startsWith('Bà con gửi hơi nhanh'));
    expect(waits).toHaveLength(1);
    expect(toFlooder.length).toBeLessThanOrEqual(BURST * 3 + 1); // a few messages per answered turn at most
    expect((await unanswered()) - before).toBeLessThanOrEqual(BURST);

    await calm.say('VNeID là gì?');
    expect(calm.lastMessage().text).toContain('VNeID');
  });
});
