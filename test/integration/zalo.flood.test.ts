/**
 * A flood from one Zalo resident, through the signed webhook, the real
 * engine on SQLite or PostgreSQL (zaloHarness.ts `zaloHarnessOn`): past the burst the resident is told once, politely,
 * to wait, the rest of the flood is acknowledged and dropped (every event
 * still marked handled, so nothing is replayed at the next start), nothing
 * more reaches the unanswered log, and another resident is answered as usual.
 */
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/core/rateLimit.js';
import { signed, textEvent } from '../fixtures/zalo.js';
import { recordSends, zaloHarnessOn, type SentMessage, type ZaloHarnessOn } from './zaloHarness.js';

const FLOODER = '1111111111111111111';
const CALM = '2222222222222222222';
const BURST = 5;
const FLOOD = 40;
/** Not in the knowledge base: every one that reaches the engine is logged for staff. */
const MISS = 'giá vàng hôm nay bao nhiêu một chỉ';

describe('Zalo flood', () => {
  let h: ZaloHarnessOn;
  const rows = async (table: string, where: (r: Record<string, unknown>) => boolean = () => true) =>
    (await h.services.tables.rows(table)).filter(where).length;
  let sent: SentMessage[];

  beforeAll(async () => {
    h = await zaloHarnessOn({ rateLimit: (clock) => new RateLimiter({ burst: BURST, perMinute: 6 }, clock) });
    sent = recordSends().sent;
  });

  afterAll(async () => {
    await h?.close();
    nock.cleanAll();
  });

  it('answers the burst, says "please wait" once, drops the rest, and still answers another resident', async () => {
    const before = await rows('unanswered_questions');
    for (let i = 0; i < FLOOD; i++) {
      const res = await h.deliver(signed(textEvent(FLOODER, `${MISS} ${i}`, h.clock.now())));
      expect(res.status).toBe(200);
    }
    const toFlooder = sent.filter((m) => m.userId === FLOODER).map((m) => m.text);
    expect(toFlooder.filter((t) => t.startsWith('Bà con gửi hơi nhanh'))).toHaveLength(1);
    expect((await rows('unanswered_questions')) - before).toBe(BURST);
    expect(await rows('zalo_events', (r) => r.handled_at === null)).toBe(0);
    expect(await rows('zalo_events')).toBeGreaterThan(0);

    await h.deliver(signed(textEvent(CALM, 'VNeID là gì?', h.clock.now())));
    expect(
      sent
        .filter((m) => m.userId === CALM)
        .map((m) => m.text)
        .join('\n'),
    ).toContain('VNeID');
  });
});
