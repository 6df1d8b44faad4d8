/**
 * Issue 16, item 1: a secret typed on Zalo, Telegram or the web chat is masked
 * before the first write anywhere. Checked below the repositories, so a write
 * nobody thought of is caught too: on SQLite the bytes of the database file
 * and its WAL (any page, live or free); on PostgreSQL every committed row of
 * the commune's tables. The resident is warned, and the question around the
 * secret is still answered.
 */
import { readFileSync, existsSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { secretWarning } from '../../src/core/conversation/texts.js';
import { signed, textEvent } from '../fixtures/zalo.js';
import type { TestService } from '../testService.js';
import { FakeBotApi, testBotOn, textUpdate } from './telegramFixtures.js';
import { recordSends, zaloHarnessOn, type ZaloHarnessOn } from './zaloHarness.js';

const USER = '2468458835296197922';

/** The messages from the review that were stored in clear, with the value that must never be written. */
const LEAKS: readonly (readonly [string, string, Parameters<typeof secretWarning>[0]])[] = [
  ['mật khẩu VNeID mới của tôi là Hoa123xyz sao không đăng nhập được', 'Hoa123xyz', ['password']],
  ['passcode vneid 246810 bị khóa rồi phải làm sao', '246810', ['password']],
  ['135790 là mã OTP ngân hàng gửi, có nên đưa cho người gọi điện không', '135790', ['otp']],
  ['my password is hunter2secret help me please', 'hunter2secret', ['password']],
  ['số tài khoản 19031234567890 của tôi có bị lộ không', '19031234567890', ['bank-account']],
];

/**
 * True when the database holds `secret` anywhere: SQLite, the file or its WAL
 * (in any page, live or free); PostgreSQL, any committed row of the commune.
 */
async function stored(s: TestService, secret: string): Promise<boolean> {
  if (s.backend === 'pg') return JSON.stringify(await s.committed.everyRow()).includes(secret);
  const path = s.config.DATABASE_PATH;
  return [path, `${path}-wal`].some((f) => existsSync(f) && readFileSync(f).includes(Buffer.from(secret, 'utf8')));
}

describe('secrets typed by residents are never stored', () => {
  let h: ZaloHarnessOn;

  beforeEach(async () => {
    h = await zaloHarnessOn();
  });

  afterEach(async () => {
    await h.close();
    nock.cleanAll();
  });

  it.each(LEAKS)('Zalo: %j is masked in the recorded event, warned about and answered', async (text, secret, kinds) => {
    const { sent } = recordSends();
    const receive = vi.spyOn(h.channel.store, 'receive');
    const res = await h.deliver(signed(textEvent(USER, text, h.clock.now())));
    expect(res.status).toBe(200);
    // The first write of the message: the event as recorded before handling.
    const recorded = receive.mock.calls[0]?.[2] ?? '';
    expect(recorded).toContain('[');
    expect(recorded).not.toContain(secret);
    // Zalo may split a long warning; its opening names what was found.
    expect(sent[0]?.text.startsWith(secretWarning(kinds).slice(0, 60))).toBe(true);
    const all = sent.map((m) => m.text).join('\n');
    // The question around the secret is answered too, after the warning.
    expect(all.length).toBeGreaterThan(secretWarning(kinds).length + 40);
    expect(all).not.toContain(secret);
    expect(await stored(h.services, secret)).toBe(false);
  });

  it.each(LEAKS)('web chat: %j is never written and the resident is warned', async (text, secret, kinds) => {
    const res = await h.services.request('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'web-secret-test', text }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { replies: { text: string }[] };
    expect(body.replies[0]?.text).toBe(secretWarning(kinds));
    expect(JSON.stringify(body)).not.toContain(secret);
    expect(await stored(h.services, secret)).toBe(false);
  });

  it.each(LEAKS)('Telegram: %j is never written and the resident is warned', async (text, secret, kinds) => {
    const api = new FakeBotApi();
    const bot = testBotOn(h.services, api);
    await bot.handleUpdate(textUpdate(7_300_001, text));
    const texts = api.texts(7_300_001);
    expect(texts[0]).toBe(secretWarning(kinds));
    expect(texts.join('\n')).not.toContain(secret);
    expect(await stored(h.services, secret)).toBe(false);
  });

  it('a question about passwords is not masked, not warned about, and answered', async () => {
    const { sent } = recordSends();
    const text = 'quên mật khẩu vneid phải làm sao';
    await h.deliver(signed(textEvent(USER, text, h.clock.now())));
    expect(sent[0]?.text).not.toContain('⚠️');
    expect(sent[0]?.text).toMatch(/Quên mật khẩu/i);
  });
});
