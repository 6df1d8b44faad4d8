/**
 * @module channels/zalo/bot/webhook
 *
 * The Bot Platform's webhook: Zalo sends the secret given to `setWebhook` in
 * `X-Bot-Api-Secret-Token`; a request without the right one gets 401 and is
 * not read further. Compared as SHA-256 digests so the comparison is
 * constant-time whatever the lengths.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RawRoute } from '../../../http/rawRoute.js';
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

export function zaloBotWebhookRoute(deps: BotWebhookDeps): RawRoute {
  return {
    path: WEBHOOK_PATH,
    maxBodyBytes: deps.maxBodyBytes,
    precheck: (header) =>
      secretMatches(header('X-Bot-Api-Secret-Token'), deps.secret)
        ? undefined
        : { status: 401, json: { error: 'unauthorized' } },
    handle: (raw) => {
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return { status: 400, json: { error: 'invalid_json' } };
      }
      for (const u of updatesIn(body)) deps.accept(classifyBotUpdate(u));
      return { status: 200, json: { ok: true } };
    },
  };
}
