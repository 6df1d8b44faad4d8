/**
 * @module channels/zalo/bot/webhook
 *
 * The Bot Platform's webhook: Zalo sends the secret given to `setWebhook` in
 * `X-Bot-Api-Secret-Token`; a request without the right one gets 401 and is
 * not read further (see http/secretHeader).
 */
import type { RawRoute } from '../../../http/rawRoute.js';
import { secretHeaderCheck } from '../../../http/secretHeader.js';
import type { ClassifiedEvent } from '../events.js';
import { WEBHOOK_PATH } from '../webhook.js';
import { classifyBotUpdate, updatesIn } from './updates.js';

export interface BotWebhookDeps {
  readonly secret: string;
  readonly maxBodyBytes: number;
  /** Records and schedules one classified update (de-duplicated by the caller). */
  readonly accept: (c: ClassifiedEvent) => void | Promise<void>;
}

export function zaloBotWebhookRoute(deps: BotWebhookDeps): RawRoute {
  return {
    path: WEBHOOK_PATH,
    maxBodyBytes: deps.maxBodyBytes,
    precheck: secretHeaderCheck('X-Bot-Api-Secret-Token', deps.secret, {
      status: 401,
      json: { error: 'unauthorized' },
    }),
    handle: async (raw) => {
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return { status: 400, json: { error: 'invalid_json' } };
      }
      for (const u of updatesIn(body)) await deps.accept(classifyBotUpdate(u));
      return { status: 200, json: { ok: true } };
    },
  };
}
