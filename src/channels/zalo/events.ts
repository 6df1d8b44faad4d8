/**
 * @module channels/zalo/events
 *
 * Reads one webhook event (already signature-checked) into the few kinds the
 * channel acts on. Field names are MEDIUM and payload details LOW confidence
 * (facts §1), so the schemas ask only for what each kind needs, accept ids
 * and timestamps as strings or numbers, and ignore everything else; a kind we
 * do not know is logged and ignored rather than failing the delivery.
 */
import { z } from 'zod';

const id = z.union([z.string().min(1), z.number()]).transform(String);
const party = z.object({ id });

const Base = z.object({ event_name: z.string().min(1), timestamp: id.optional() });

const UserMessage = Base.extend({
  sender: party,
  message: z.object({ msg_id: id, text: z.string().optional() }),
});
const FollowEvent = Base.extend({ follower: party });
const SubmitInfo = Base.extend({ sender: party });

/** What the channel does with an event. */
export type ZaloInbound =
  | { readonly kind: 'text'; readonly userId: string; readonly msgId: string; readonly text: string }
  /** Image, sticker, voice, file, location…: anything the engine cannot read. */
  | { readonly kind: 'media'; readonly userId: string; readonly msgId: string; readonly media: string }
  | { readonly kind: 'follow'; readonly userId: string }
  | { readonly kind: 'unfollow'; readonly userId: string }
  | { readonly kind: 'submit_info'; readonly userId: string };

export type ClassifiedEvent =
  | { readonly action: 'handle'; readonly event: ZaloInbound; readonly key: string; readonly at?: number }
  | { readonly action: 'ignore'; readonly reason: 'echo' | 'receipt' | 'other' | 'unknown' | 'malformed' };

const RECEIPTS = new Set(['user_received_message', 'user_seen_message']);
const OTHER_KNOWN = new Set(['user_click_chatnow', 'user_reacted_message', 'oa_reacted_message']);

/** Unix milliseconds of an event timestamp (MEDIUM: ms; a seconds value is scaled up). */
export function timestampMs(value: string | number | undefined): number | undefined {
  const n = typeof value === 'number' ? value : value && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n <= 0) return undefined;
  return n < 1e11 ? n * 1000 : n;
}

/** Classifies a parsed JSON body; `key` identifies the event for de-duplication. */
export function classifyEvent(body: unknown): ClassifiedEvent {
  const base = Base.safeParse(body);
  if (!base.success) return { action: 'ignore', reason: 'malformed' };
  const name = base.data.event_name;
  const at = timestampMs(base.data.timestamp);

  if (name.startsWith('oa_send_')) return { action: 'ignore', reason: 'echo' };
  if (RECEIPTS.has(name)) return { action: 'ignore', reason: 'receipt' };
  if (OTHER_KNOWN.has(name)) return { action: 'ignore', reason: 'other' };

  if (name.startsWith('user_send_')) {
    const m = UserMessage.safeParse(body);
    if (!m.success) return { action: 'ignore', reason: 'malformed' };
    const userId = m.data.sender.id;
    const msgId = m.data.message.msg_id;
    const key = `msg:${msgId}`;
    if (name === 'user_send_text') {
      return { action: 'handle', key, at, event: { kind: 'text', userId, msgId, text: m.data.message.text ?? '' } };
    }
    return { action: 'handle', key, at, event: { kind: 'media', userId, msgId, media: name.slice(10) } };
  }
  if (name === 'follow' || name === 'unfollow') {
    const f = FollowEvent.safeParse(body);
    if (!f.success) return { action: 'ignore', reason: 'malformed' };
    const userId = f.data.follower.id;
    return {
      action: 'handle',
      key: `${name}:${userId}:${base.data.timestamp ?? ''}`,
      at,
      event: { kind: name, userId },
    };
  }
  if (name === 'user_submit_info') {
    const s = SubmitInfo.safeParse(body);
    if (!s.success) return { action: 'ignore', reason: 'malformed' };
    const userId = s.data.sender.id;
    return {
      action: 'handle',
      key: `${name}:${userId}:${base.data.timestamp ?? ''}`,
      at,
      event: { kind: 'submit_info', userId },
    };
  }
  return { action: 'ignore', reason: 'unknown' };
}

/** An event as the channel records it (JSON of a ZaloInbound) before handling it. */
const StoredEvent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), userId: z.string(), msgId: z.string(), text: z.string() }),
  z.object({ kind: z.literal('media'), userId: z.string(), msgId: z.string(), media: z.string() }),
  z.object({ kind: z.enum(['follow', 'unfollow', 'submit_info']), userId: z.string() }),
]);

/** Reads back a recorded event (crash recovery); undefined when the row cannot be read. */
export function parseStoredEvent(json: string): ZaloInbound | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  const event = StoredEvent.safeParse(parsed);
  return event.success ? event.data : undefined;
}
