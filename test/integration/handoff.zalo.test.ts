/**
 * Handoff to commune staff on Zalo (issue 18 item 6), through signed webhook
 * deliveries and the real channel, with Zalo's API stubbed and a fake clock:
 * the welcome menu's number for a person opens a thread and tells the
 * resident to send any message to receive a late answer; the bot stays
 * silent while staff own the chat; a staff reply within the free window goes
 * out at once and shows "sent"; past the window it is held (nothing is sent,
 * nothing billed) until the resident writes again, then delivered; "Xong"
 * gives the chat back to the bot.
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACKNOWLEDGED, BTN_ASK_PERSON, CLOSED } from '../../src/core/handoff/texts.js';
import type { HandoffScope } from '../../src/core/stores/handoff.js';
import { numberedOptions, signed, textEvent } from '../fixtures/zalo.js';
import { recordSends, zaloHarnessOn, type SentMessage, type ZaloHarnessOn } from './zaloHarness.js';

const USER = '6120938475610293841';
const COMMUNE: HandoffScope = { kind: 'commune' };

describe('handoff on Zalo', () => {
  let h: ZaloHarnessOn;
  let sent: SentMessage[];
  /** Sends what is due to the resident and waits for it, as the route's own flush after a staff reply does. */
  let flush: () => Promise<void>;

  beforeEach(async () => {
    h = await zaloHarnessOn();
    sent = recordSends().sent;
    const route = h.channel.replyRoute;
    if (!route?.flush) throw new Error('the Zalo channel has no reply route that sends');
    const send = route.flush.bind(route);
    flush = () => send(USER);
    // What run.ts (pgRun.ts) does for a running Zalo channel.
    h.services.handoff.routes.register('zalo', route);
  });

  afterEach(async () => {
    await h.close();
    nock.cleanAll();
  });

  /** Sends a text as the resident; the texts Zalo was asked to send meanwhile. */
  async function say(text: string): Promise<string[]> {
    const before = sent.length;
    const res = await h.deliver(signed(textEvent(USER, text, h.clock.now())));
    expect(res.status).toBe(200);
    return sent.slice(before).map((s) => s.text);
  }

  const later = (hours: number): void =>
    h.clock.set(new Date(h.clock.now().getTime() + hours * 3_600_000).toISOString());

  it('menu number → thread; silent bot; reply in the window sent; past it held until the resident writes; "Xong"', async () => {
    const welcome = await say('xin chào');
    const menu = numberedOptions(welcome.at(-1) ?? '');
    const n = menu.indexOf(BTN_ASK_PERSON) + 1;
    expect(n).toBeGreaterThan(0);

    const opening = (await say(String(n))).join('\n');
    expect(opening).toMatch(/chuyển cuộc trò chuyện cho cán bộ xã/);
    expect(opening).toMatch(/gửi một tin nhắn bất kỳ/);
    const thread = await h.services.handoff.store.openThreadOf('zalo', USER);
    if (!thread) throw new Error('no thread');
    expect(thread.hamletId).toBeUndefined();

    expect(await say('Tôi muốn hỏi về đăng ký tạm trú')).toEqual([ACKNOWLEDGED]);
    expect(await say('quên mật khẩu VNeID')).toEqual([]);
    expect((await h.services.handoff.store.messages(thread.id, 0, 10)).map((m) => m.text)).toEqual([
      'Tôi muốn hỏi về đăng ký tạm trú',
      'quên mật khẩu VNeID',
    ]);

    const actions = h.services.handoff.actions;
    const delivery = async (id: number) => {
      await h.services.handoff.store.refreshDelivery(thread.id);
      return (await h.services.handoff.store.messages(thread.id, 0, 20)).find((m) => m.id === id)?.delivery;
    };

    // Within the free window: out at once, "sent" once Zalo accepted it.
    const before = sent.length;
    const first = await actions.reply(thread.id, COMMUNE, 'staff-1', 'Bà con khai tạm trú trên VNeID nhé.', {
      confirmed: false,
    });
    if (!first.ok) throw new Error(JSON.stringify(first));
    await flush();
    expect(sent.slice(before).map((s) => s.text)).toEqual([
      '👤 Cán bộ xã trả lời:\nBà con khai tạm trú trên VNeID nhé.',
    ]);
    expect(await delivery(first.message.id)).toBe('sent');

    // 49 hours later the free window is closed: held, nothing sent.
    later(49);
    // The OA's access token was refreshed meanwhile (the token manager's business, not this test's).
    await h.channel.store.saveRefreshed(
      {
        accessToken: 'access-1',
        refreshToken: 'refresh-1',
        expiresAt: new Date(h.clock.now().getTime() + 25 * 3_600_000),
      },
      h.clock.now(),
    );
    const held = await actions.reply(thread.id, COMMUNE, 'staff-1', 'Hồ sơ của bà con đã được duyệt.', {
      confirmed: false,
    });
    if (!held.ok) throw new Error(JSON.stringify(held));
    await flush();
    expect(sent.length).toBe(before + 1);
    expect(await delivery(held.message.id)).toBe('held');

    // The resident writes again: the window reopens and the held reply goes out (no second acknowledgement).
    expect(await say('ok')).toEqual(['👤 Cán bộ xã trả lời:\nHồ sơ của bà con đã được duyệt.']);
    expect(await delivery(held.message.id)).toBe('sent');

    // "Xong": the bot answers again.
    expect(await actions.close(thread.id, COMMUNE, 'staff-1')).toBe(true);
    await flush();
    expect(sent.at(-1)?.text).toBe(CLOSED);
    const back = await say('quên mật khẩu VNeID');
    expect(back.length).toBeGreaterThan(0);
    expect(back.join('\n')).not.toContain(ACKNOWLEDGED);
    expect(
      (await h.services.handoff.store.messages(thread.id, 0, 20)).filter((m) => m.author === 'resident'),
    ).toHaveLength(3);
    // Logs never carry what the resident or staff wrote.
    for (const words of ['đăng ký tạm trú', 'khai tạm trú', 'đã được duyệt']) {
      expect(h.lines.some((l) => l.includes(words))).toBe(false);
    }
    expect(h.lines.length).toBeGreaterThan(0);
  });

  it('"gap can bo" typed without marks opens the thread too', async () => {
    await say('gap can bo');
    expect((await h.services.handoff.store.openThreadOf('zalo', USER))?.reason).toBe('asked');
  });
});
