/**
 * @module channels/zalo/bot/updates
 *
 * Reads a Zalo Bot Platform update (`{event_name, message: {chat, from, text,
 * message_id}}`, MEDIUM) into the same event kinds as the OA webhook, so the
 * handler, rendering and choice handling are shared. Replies go to `chat.id`.
 * Webhook bodies may wrap the update as `{ok, result}`; both are accepted.
 */
import { z } from 'zod';
import type { ClassifiedEvent } from '../events.js';

const id = z.union([z.string().min(1), z.number()]).transform(String);

const Update = z.object({
  event_name: z.string().optional(),
  message: z.object({
    message_id: id,
    chat: z.object({ id }),
    text: z.string().optional(),
    date: z.union([z.number(), z.string()]).optional(),
  }),
});

/** The updates inside a getUpdates result or a webhook body. */
export function updatesIn(body: unknown): unknown[] {
  const inner = typeof body === 'object' && body !== null && 'result' in body ? body.result : body;
  if (inner === undefined || inner === null) return [];
  return Array.isArray(inner) ? (inner as unknown[]) : [inner];
}

export function classifyBotUpdate(update: unknown): ClassifiedEvent {
  const u = Update.safeParse(update);
  if (!u.success) return { action: 'ignore', reason: 'malformed' };
  const { message } = u.data;
  const name = u.data.event_name ?? (message.text !== undefined ? 'message.text.received' : 'message.unknown');
  const userId = message.chat.id;
  const key = `bot:${message.message_id}`;
  const at = typeof message.date === 'number' ? message.date : undefined;
  if (name === 'message.text.received') {
    return {
      action: 'handle',
      key,
      at,
      event: { kind: 'text', userId, msgId: message.message_id, text: message.text ?? '' },
    };
  }
  if (name.startsWith('message.')) {
    return { action: 'handle', key, at, event: { kind: 'media', userId, msgId: message.message_id, media: name } };
  }
  return { action: 'ignore', reason: 'unknown' };
}
