/**
 * @module channels/telegram/webhook
 *
 * `POST /webhooks/telegram` on the service's one HTTP server. Telegram sends
 * the secret given to `setWebhook` in `X-Telegram-Bot-Api-Secret-Token`; it
 * is checked in constant time before the body is even read, and a missing or
 * wrong one gets 401 with nothing handled (anyone can find the URL). The body
 * is checked to be an update, handled to the end (Telegram waits up to 60 s
 * and sends a chat's next update only after this one is answered), then
 * acknowledged with 200. Handling errors are caught by the bot's error
 * boundary, so Telegram is not made to redeliver an update that failed.
 */
import type { Update } from 'grammy/types';
import { z } from 'zod';
import type { RawReply, RawRoute } from '../../http/rawRoute.js';
import { secretHeaderCheck } from '../../http/secretHeader.js';

export const WEBHOOK_PATH = '/webhooks/telegram';
/** Updates are small; a larger body is not from Telegram. */
export const MAX_UPDATE_BYTES = 1_000_000;

const UpdateEnvelope = z.looseObject({ update_id: z.number().int().nonnegative() });

export interface WebhookDeps {
  readonly secret: string;
  readonly handle: (update: Update) => Promise<void>;
}

/**
 * Checks that a body is an update, hands it over and waits for it, then
 * acknowledges (also used by the per-row routes of channels/keyed).
 */
export async function handleUpdateBody(raw: Buffer, handle: (update: Update) => Promise<void>): Promise<RawReply> {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return { status: 400, json: { ok: false, error: 'invalid_json' } };
  }
  const parsed = UpdateEnvelope.safeParse(body);
  if (!parsed.success) return { status: 400, json: { ok: false, error: 'not_an_update' } };
  // Only update_id is checked here; grammY reads the rest defensively and ignores unknown kinds.
  await handle(parsed.data);
  return { status: 200, json: { ok: true } };
}

export function telegramWebhookRoute(deps: WebhookDeps): RawRoute {
  return {
    path: WEBHOOK_PATH,
    maxBodyBytes: MAX_UPDATE_BYTES,
    precheck: secretHeaderCheck('x-telegram-bot-api-secret-token', deps.secret, {
      status: 401,
      json: { ok: false, error: 'unauthorized' },
    }),
    handle: (raw) => handleUpdateBody(raw, deps.handle),
  };
}
