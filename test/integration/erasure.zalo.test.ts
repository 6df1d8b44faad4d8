/**
 * Issue 16, item 3, through the Zalo channel itself (erasure.test.ts checks
 * every table after an erasure through the engine): once the confirmation is
 * sent, no row keeps the resident's Zalo id or words, and writing again they
 * are a new resident. On SQLite or PostgreSQL (zaloHarness.ts `zaloHarnessOn`).
 */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { signed, textEvent } from '../fixtures/zalo.js';
import { traces } from './erasureTraces.js';
import { recordSends, zaloHarnessOn } from './zaloHarness.js';

const ZALO_USER = '7319046628815502011';
const QUESTION = 'giá vàng hôm nay ở nhà bà Quýtmơ bao nhiêu';

describe('erasure through the Zalo channel itself', () => {
  afterEach(() => nock.cleanAll());

  it('once the confirmation is sent, no row keeps the resident’s Zalo id or words', async () => {
    const h = await zaloHarnessOn();
    try {
      const { sent } = recordSends();
      const tables = h.services.tables;
      const user = ZALO_USER;
      const say = (text: string) => h.deliver(signed(textEvent(user, text, h.clock.now())));
      await say('xin chào');
      await say(QUESTION);
      await say('xóa dữ liệu của tôi');
      expect(sent.at(-1)?.text).toContain('1. Xóa hẳn dữ liệu');
      expect((await traces(tables, [user, 'Quýtmơ'])).length).toBeGreaterThan(0);
      await say('1');
      expect(sent.at(-1)?.text).toMatch(/^Đã xóa toàn bộ dữ liệu/);
      expect(await traces(tables, [user, 'Quýtmơ'])).toEqual([]);
      // Writing again, they are a new resident: the window row comes back, and their reply goes out.
      await say('xin chào');
      expect(sent.at(-1)?.text).toMatch(/^Xin chào bà con!/);
    } finally {
      await h.close();
    }
  });
});
