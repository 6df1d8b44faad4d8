/**
 * POST /webhooks/zalo through the in-process app: only deliveries signed over
 * the exact bytes, recently, for our app are processed; everything else gets
 * 401 (or 400 for a body that is not JSON) and leaves no trace. Accepted
 * events are answered 200 before they are handled, handled in order per
 * resident, and a redelivered msg_id is acknowledged and dropped. On SQLite
 * or PostgreSQL (zaloHarness.ts `zaloHarnessOn`).
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/core/conversation/engine.js';
import type { OutgoingReply } from '../../src/core/messages.js';
import { INFO_NOT_NEEDED, TEXT_ONLY } from '../../src/channels/zalo/texts.js';
import { APP_ID, followEvent, mediaEvent, nextMsgId, OA_SECRET, signed, textEvent } from '../fixtures/zalo.js';
import { recordSends, zaloHarnessOn, type ZaloHarnessOn } from './zaloHarness.js';

const USER = '2468458835296197922';

describe('Zalo webhook', () => {
  let h: ZaloHarnessOn;

  beforeEach(async () => {
    h = await zaloHarnessOn();
  });

  afterEach(async () => {
    await h?.close();
    nock.cleanAll();
  });

  const eventRows = () => h.services.tables.rows('zalo_events');
  const events = async (): Promise<number> => (await eventRows()).length;
  /** Whether the event of `key` was recorded and handled. */
  const handled = async (key: string): Promise<number> =>
    (await eventRows()).filter((r) => r.event_key === key && r.handled_at !== null).length;

  it('accepts a signed text, answers 200 and replies through the consultation API', async () => {
    const { sent } = recordSends();
    const res = await h.deliver(signed(textEvent(USER, 'xin chào', h.clock.now())));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, result: 'accepted' });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.userId).toBe(USER);
    expect(sent[0]?.accessToken).toBe('access-token-0');
    expect(sent[0]?.text).toMatch(/^Xin chào bà con!/);
    expect(sent[0]?.text).toMatch(/👉 Bà con gõ số từ 1 đến \d để chọn\.$/);
  });

  it('accepts the signature without the "mac=" prefix', async () => {
    const { sent } = recordSends();
    const res = await h.deliver(signed(textEvent(USER, 'xin chào', h.clock.now()), { prefix: false }));
    expect(res.status).toBe(200);
    expect(sent).toHaveLength(1);
  });

  it('falls back to an X-ZEvent-Timestamp header when the body timestamp does not verify', async () => {
    const { sent } = recordSends();
    const event = textEvent(USER, 'xin chào', h.clock.now());
    const header = String(h.clock.now().getTime() + 1);
    const d = signed(event, { timestamp: header });
    const res = await h.deliver({ body: d.body, headers: { ...d.headers, 'x-zevent-timestamp': header } });
    expect(res.status).toBe(200);
    expect(sent).toHaveLength(1);
  });

  it('refuses a missing signature with 401 and processes nothing', async () => {
    const { sent } = recordSends();
    const d = signed(textEvent(USER, 'xin chào', h.clock.now()));
    const res = await h.deliver({ body: d.body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(401);
    expect(await events()).toBe(0);
    expect(sent).toHaveLength(0);
  });

  it('refuses a wrong signature (other key) with 401', async () => {
    const { sent } = recordSends();
    const res = await h.deliver(signed(textEvent(USER, 'xin chào', h.clock.now()), { secret: `${OA_SECRET}x` }));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'bad_signature' });
    expect(await events()).toBe(0);
    expect(sent).toHaveLength(0);
  });

  it('refuses a body modified after signing with 401', async () => {
    const { sent } = recordSends();
    const d = signed(textEvent(USER, 'xin chào', h.clock.now()));
    const res = await h.deliver({ body: d.body.replace('xin chào', 'xin chao'), headers: d.headers });
    expect(res.status).toBe(401);
    // Re-serialising the same JSON (other spacing) is a different body too: the raw bytes are what is signed.
    const spaced = JSON.stringify(JSON.parse(d.body) as unknown, null, 2);
    expect((await h.deliver({ body: spaced, headers: d.headers })).status).toBe(401);
    expect(await events()).toBe(0);
    expect(sent).toHaveLength(0);
  });

  it('refuses a correctly signed but stale delivery (outside the window) with 401', async () => {
    const { sent } = recordSends();
    const old = new Date(h.clock.now().getTime() - 301_000);
    const res = await h.deliver(signed(textEvent(USER, 'xin chào', old)));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'stale' });
    const future = new Date(h.clock.now().getTime() + 301_000);
    expect((await h.deliver(signed(textEvent(USER, 'xin chào', future)))).status).toBe(401);
    expect(await events()).toBe(0);
    expect(sent).toHaveLength(0);
  });

  it('refuses a delivery signed for another app with 401', async () => {
    const event = { ...textEvent(USER, 'xin chào', h.clock.now()), app_id: '999' };
    const res = await h.deliver(signed(event, { appId: '999' }));
    expect(res.status).toBe(401);
    expect(await events()).toBe(0);
  });

  it('answers malformed JSON with 400 and processes nothing', async () => {
    const res = await h.deliver({
      body: '{"event_name": "user_send_text",',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_json' });
    expect((await h.deliver({ body: '[1,2]', headers: {} })).status).toBe(400);
    expect(await events()).toBe(0);
  });

  it('answers the console’s unsigned test POST {} with 200', async () => {
    const res = await h.deliver({ body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, result: 'test' });
    expect(await events()).toBe(0);
  });

  it('logs and ignores an unknown event kind, and ignores echoes and receipts', async () => {
    const { sent } = recordSends();
    const at = String(h.clock.now().getTime());
    for (const event_name of ['shop_has_new_order', 'oa_send_text', 'user_seen_message', 'user_received_message']) {
      const res = await h.deliver(
        signed({ app_id: APP_ID, event_name, sender: { id: USER }, message: { msg_id: nextMsgId() }, timestamp: at }),
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true, result: 'ignored' });
    }
    expect(await events()).toBe(0);
    expect(sent).toHaveLength(0);
    expect(h.lines.some((l) => l.includes('shop_has_new_order') && l.includes('"reason":"unknown"'))).toBe(true);
  });

  it('acknowledges a redelivered msg_id and ignores it (persisted, so it survives a restart)', async () => {
    const { sent } = recordSends();
    const d = signed(textEvent(USER, 'xin chào', h.clock.now(), 'dup-1'));
    expect((await h.deliver(d)).status).toBe(200);
    const again = await h.deliver(d);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ok: true, result: 'duplicate' });
    expect(sent).toHaveLength(1);
    expect(await handled('msg:dup-1')).toBe(1);
  });

  it('asks residents who send images, stickers, voice or files to type', async () => {
    const { sent } = recordSends();
    for (const kind of ['image', 'sticker', 'audio', 'file'])
      await h.deliver(signed(mediaEvent(USER, kind, h.clock.now())));
    expect(sent.map((s) => s.text)).toEqual([TEXT_ONLY, TEXT_ONLY, TEXT_ONLY, TEXT_ONLY]);
  });

  it('answers user_submit_info politely and keeps none of it', async () => {
    const { sent } = recordSends();
    const event = {
      app_id: APP_ID,
      event_name: 'user_submit_info',
      sender: { id: USER },
      recipient: { id: '1' },
      info: { name: 'Nguyễn Thị Lan', phone: '0912345678', address: 'Xóm 1' },
      timestamp: String(h.clock.now().getTime()),
    };
    await h.deliver(signed(event));
    expect(sent.map((s) => s.text)).toEqual([INFO_NOT_NEEDED]);
    const dump = JSON.stringify(await eventRows());
    expect(await events()).toBeGreaterThan(0);
    expect(dump).not.toContain('0912345678');
    expect(h.lines.join('')).not.toContain('0912345678');
  });

  it('marks a resident who unfollows inactive and sends nothing', async () => {
    const { sent } = recordSends();
    await h.deliver(signed(followEvent(USER, h.clock.now(), 'unfollow')));
    expect((await h.channel.store.resident(USER))?.inactive).toBe(true);
    expect(sent).toHaveLength(0);
  });

  it('answers 200 before the handling has finished', async () => {
    await h.close();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let handled = 0;
    const slow: Engine = {
      handle: async (): Promise<OutgoingReply[]> => {
        await gate;
        handled += 1;
        return [{ kind: 'notice', text: 'Dạ.' }];
      },
      ask: () => Promise.reject(new Error('unused')),
    };
    h = await zaloHarnessOn({ engine: slow });
    const { sent } = recordSends();
    const res = await h.post(signed(textEvent(USER, 'chậm', h.clock.now())));
    expect(res.status).toBe(200);
    expect(handled).toBe(0);
    release();
    await h.channel.idle();
    expect(handled).toBe(1);
    expect(sent.map((s) => s.text)).toEqual(['Dạ.']);
  });

  it('handles one resident’s messages in the order received, even when sent at once', async () => {
    await h.close();
    const order: string[] = [];
    const echo: Engine = {
      handle: async (m): Promise<OutgoingReply[]> => {
        // The first message is slow: a racing second one must still wait its turn.
        if (m.text === 'một') await new Promise((r) => setTimeout(r, 30));
        order.push(m.text ?? '');
        return [{ kind: 'notice', text: `đã nhận: ${m.text ?? ''}` }];
      },
      ask: () => Promise.reject(new Error('unused')),
    };
    h = await zaloHarnessOn({ engine: echo });
    const { sent } = recordSends();
    const now = h.clock.now();
    const results = await Promise.all(['một', 'hai', 'ba'].map((t) => h.post(signed(textEvent(USER, t, now)))));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    await h.channel.idle();
    expect(order).toEqual(['một', 'hai', 'ba']);
    expect(sent.map((s) => s.text)).toEqual(['đã nhận: một', 'đã nhận: hai', 'đã nhận: ba']);
  });

  it('handles an event recorded before a crash at the next start', async () => {
    const { sent } = recordSends();
    // Recorded (as the webhook does before answering) but never handled: the process died in between.
    await h.channel.store.receive(
      'msg:lost-1',
      USER,
      JSON.stringify({ kind: 'text', userId: USER, msgId: 'lost-1', text: 'xin chào' }),
      h.clock.now(),
    );
    await h.channel.start();
    await h.channel.idle();
    expect(sent).toHaveLength(1);
    expect(await handled('msg:lost-1')).toBe(1);
  });

  it('replays a message whose turn was saved but whose replies were never queued, without acting on it twice', async () => {
    const { sent } = recordSends();
    const state = async (): Promise<string> =>
      String(
        (await h.services.tables.rows('conversation_state')).find((r) => r.channel === 'zalo' && r.user_id === USER)
          ?.state_json,
      );
    await h.services.engine.handle({ channel: 'zalo', userId: USER, choice: 'quiz:list' });
    // The crashed run: the engine's turn for "1" was committed, then the process died before queueing its replies.
    const first = await h.services.engine.handle({ channel: 'zalo', userId: USER, text: '1', id: 'lost-2' });
    const after = await state();
    await h.channel.store.receive(
      'msg:lost-2',
      USER,
      JSON.stringify({ kind: 'text', userId: USER, msgId: 'lost-2', text: '1' }),
      h.clock.now(),
    );
    await h.channel.start();
    await h.channel.idle();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.text.startsWith(first[0]?.text.trim() ?? '?')).toBe(true);
    // The replay changed nothing: the typed "1" was not taken again as a choice among the new buttons.
    expect(await state()).toBe(after);
  });
});
