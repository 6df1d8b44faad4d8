/**
 * @module channels/zalo/bot/webhook
 *
 * The Bot Platform's webhook: Zalo sends the secret given to `setWebhook` in
 * `X-Bot-Api-Secret-Token`; a request without the right one gets 401 and is
 * not read further. Compared as SHA-256 digests so the comparison is
 * constant-time whatever the lengths.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ClassifiedEvent } from '../events.js';
import { WEBHOOK_PATH } from '../webhook.js';
import { classifyBotUpdate, updatesIn } from './updates.js';

const digest = (v: string): Buffer => createHash('sha256').update(v, 'utf8').digest();

export function secretMatches(got: string | undefined, expected: string): boolean {
  return got !== undefined && timingSafeEqual(digest(got), digest(expected));
}

export interface BotWebhookDeps {
  readonly secret: string;
  readonly maxBodyBytes: number;
  /** Records and schedules one classified update (de-duplicated by the caller). */
  readonly accept: (c: ClassifiedEvent) => void;
}

export function zaloBotWebhookRoute(deps: BotWebhookDeps): (app: Hono) => void {
  return (app) => {
    app.post(
      WEBHOOK_PATH,
      bodyLimit({ maxSize: deps.maxBodyBytes, onError: (c) => c.json({ error: 'too_large' }, 413) }),
      async (c) => {
        if (!secretMatches(c.req.header('X-Bot-Api-Secret-Token'), deps.secret)) {
          return c.json({ error: 'unauthorized' }, 401);
        }
        let body: unknown;
        try {
          body = JSON.parse(await c.req.text());
        } catch {
          return c.json({ error: 'invalid_json' }, 400);
        }
        for (const u of updatesIn(body)) deps.accept(classifyBotUpdate(u));
        return c.json({ ok: true }, 200);
      },
    );
  };
}
