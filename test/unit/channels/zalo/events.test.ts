/**
 * Webhook events read into the few kinds the channel acts on: every
 * user_send_* kind, follow, unfollow, user_submit_info; echoes, receipts and
 * unknown kinds ignored; ids and timestamps as strings or numbers.
 */
import { describe, expect, it } from 'vitest';
import { classifyEvent, timestampMs } from '../../../../src/channels/zalo/events.js';

const base = { app_id: '1', timestamp: '1718000000000' };

describe('classifyEvent', () => {
  it('reads a text message, replying to sender.id', () => {
    const c = classifyEvent({
      ...base,
      event_name: 'user_send_text',
      sender: { id: '246' },
      recipient: { id: '388' },
      user_id_by_app: '552',
      message: { text: 'Xin chào', msg_id: 'abc' },
    });
    expect(c).toEqual({
      action: 'handle',
      key: 'msg:abc',
      at: 1718000000000,
      event: { kind: 'text', userId: '246', msgId: 'abc', text: 'Xin chào' },
    });
  });

  it.each(['image', 'sticker', 'audio', 'video', 'gif', 'file', 'link', 'location', 'business_card', 'something_new'])(
    'treats user_send_%s as something to type instead',
    (kind) => {
      const c = classifyEvent({ ...base, event_name: `user_send_${kind}`, sender: { id: 7 }, message: { msg_id: 9 } });
      expect(c).toMatchObject({ action: 'handle', key: 'msg:9', event: { kind: 'media', userId: '7', media: kind } });
    },
  );

  it('reads follow and unfollow from follower.id', () => {
    expect(classifyEvent({ ...base, event_name: 'follow', follower: { id: '246' } })).toMatchObject({
      action: 'handle',
      event: { kind: 'follow', userId: '246' },
      key: 'follow:246:1718000000000',
    });
    expect(classifyEvent({ ...base, event_name: 'unfollow', follower: { id: '246' } })).toMatchObject({
      event: { kind: 'unfollow', userId: '246' },
    });
  });

  it('reads user_submit_info without keeping what was submitted', () => {
    const c = classifyEvent({
      ...base,
      event_name: 'user_submit_info',
      sender: { id: '246' },
      info: { name: 'Lan', phone: '0912345678', address: 'Xóm 1' },
    });
    expect(c).toMatchObject({ action: 'handle', event: { kind: 'submit_info', userId: '246' } });
    expect(JSON.stringify(c)).not.toContain('0912345678');
  });

  it('ignores echoes of the OA’s own messages, receipts, and unknown kinds', () => {
    expect(classifyEvent({ ...base, event_name: 'oa_send_text', sender: { id: '388' } })).toEqual({
      action: 'ignore',
      reason: 'echo',
    });
    expect(classifyEvent({ ...base, event_name: 'user_seen_message', message: { msg_ids: ['a', 'b'] } })).toEqual({
      action: 'ignore',
      reason: 'receipt',
    });
    expect(classifyEvent({ ...base, event_name: 'user_received_message', message: { msg_id: 'a' } })).toEqual({
      action: 'ignore',
      reason: 'receipt',
    });
    expect(classifyEvent({ ...base, event_name: 'shop_has_order' })).toEqual({ action: 'ignore', reason: 'unknown' });
    expect(classifyEvent({ ...base, event_name: 'user_send_text', message: { text: 'x' } })).toEqual({
      action: 'ignore',
      reason: 'malformed',
    });
  });
});

describe('timestampMs', () => {
  it('reads milliseconds as strings or numbers and scales seconds up', () => {
    expect(timestampMs('1718000000000')).toBe(1718000000000);
    expect(timestampMs(1718000000000)).toBe(1718000000000);
    expect(timestampMs('1718000000')).toBe(1718000000000);
    expect(timestampMs('soon')).toBeUndefined();
    expect(timestampMs(undefined)).toBeUndefined();
  });
});
