/**
 * @module channels/zalo/webhook
 *
 * `POST /webhooks/zalo`: checks that a delivery really comes from Zalo, records
 * it, answers 200 at once (Zalo gives up after ~2 s and retries) and leaves
 * the handling to run behind the response. A delivery is accepted only when
 * its mac matches the raw bytes as received and its timestamp is recent;
 * anything else gets 401 and nothing is recorded. A redelivery (same msg_id)
 * is acknowledged and dropped, because the event was recorded the first time.
 *
 * The signed timestamp is the body's `timestamp` (MEDIUM); an
 * `X-ZEvent-Timestamp` header (unconfirmed) is tried only if that fails.
 * Saving the webhook URL in Zalo's console sends a test POST that may be
 * unsigned `{}` (LOW): a body without `event_name` is answered 200 and
 * nothing in it is read.
 */
import type { Clock } from '../../core/ports.js';
import { redactSensitive } from '../../core/text/sensitive.js';
import type { RawRoute } from '../../http/rawRoute.js';
import type { Logger } from '../../logger.js';
import type { ZaloOaConfig } from './config.js';
import { classifyEvent, timestampMs, type ZaloInbound } from './events.js';
import { macOf, signatureMatches, zaloMac } from './signature.js';
import type { ZaloStateStore } from './store.js';

export const WEBHOOK_PATH = '/webhooks/zalo';

export type WebhookOutcome =
  | { readonly status: 200; readonly result: 'accepted' | 'duplicate' | 'ignored' | 'test' }
  | { readonly status: 400; readonly result: 'invalid_json' }
  | { readonly status: 401; readonly result: 'unsigned' | 'bad_signature' | 'wrong_app' | 'stale' };

/** An accepted event, to be handled behind the response. */
export interface Accepted {
  readonly event: ZaloInbound;
  readonly key: string;
  readonly at?: number;
}

export interface WebhookDeps {
  readonly config: Pick<
    ZaloOaConfig,
    'ZALO_APP_ID' | 'ZALO_OA_SECRET_KEY' | 'ZALO_SIGNATURE_HEADER' | 'ZALO_SIGNATURE_WINDOW_SECONDS'
  >;
  /** Where deliveries are recorded: the commune database, or the inbox file when a thread handles them. */
  readonly store: Pick<ZaloStateStore, 'receive' | 'durable'>;
  readonly clock: Clock;
  readonly logger: Logger;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const asText = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

/**
 * The event as it may be written down: a resident's text with passwords, OTPs
 * and personal numbers masked, because the record is the first write of the
 * message (before the engine reads it) and sits in the database and its WAL.
 * The event handed on keeps the text as typed, so the engine still warns.
 */
function storable(event: ZaloInbound): ZaloInbound {
  return event.kind === 'text' ? { ...event, text: redactSensitive(event.text).text } : event;
}

/**
 * Verifies, classifies and records one delivery. Pure apart from the store
 * write; `header` reads a request header by name (case-insensitive).
 */
export async function receiveDelivery(
  deps: WebhookDeps,
  raw: Uint8Array,
  header: (name: string) => string | undefined,
): Promise<{ outcome: WebhookOutcome; accepted?: Accepted }> {
  const { config, logger } = deps;
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'));
  } catch {
    return { outcome: { status: 400, result: 'invalid_json' } };
  }
  if (!isObject(body)) return { outcome: { status: 400, result: 'invalid_json' } };

  // The console's test POST: nothing to act on, signed or not.
  if (body.event_name === undefined) return { outcome: { status: 200, result: 'test' } };
  const signature = header(config.ZALO_SIGNATURE_HEADER);
  if (macOf(signature) === undefined) {
    // Refusals are counted into the server's one-line-a-minute summary (http/rejectionLog); debug here.
    logger.debug({ event: asText(body.event_name) }, 'zalo webhook without a valid signature header');
    return { outcome: { status: 401, result: 'unsigned' } };
  }
  const appId = asText(body.app_id);
  if (appId !== undefined && appId !== config.ZALO_APP_ID) {
    logger.debug('zalo webhook for another app_id (check ZALO_APP_ID)');
    return { outcome: { status: 401, result: 'wrong_app' } };
  }
  const candidates = [asText(body.timestamp), header('X-ZEvent-Timestamp')].filter(
    (t): t is string => t !== undefined && t !== '',
  );
  const signedAt = candidates.find((ts) =>
    signatureMatches(signature, zaloMac(config.ZALO_APP_ID, raw, ts, config.ZALO_OA_SECRET_KEY)),
  );
  if (signedAt === undefined) {
    logger.debug('zalo webhook signature mismatch (check ZALO_OA_SECRET_KEY)');
    return { outcome: { status: 401, result: 'bad_signature' } };
  }
  const windowMs = config.ZALO_SIGNATURE_WINDOW_SECONDS * 1000;
  const ms = timestampMs(signedAt);
  if (windowMs > 0 && (ms === undefined || Math.abs(deps.clock.now().getTime() - ms) > windowMs)) {
    logger.debug({ skewMs: ms === undefined ? null : deps.clock.now().getTime() - ms }, 'zalo webhook too old');
    return { outcome: { status: 401, result: 'stale' } };
  }

  const c = classifyEvent(body);
  if (c.action === 'ignore') {
    const level = c.reason === 'unknown' || c.reason === 'malformed' ? 'warn' : 'debug';
    logger[level]({ event: asText(body.event_name), reason: c.reason }, 'zalo event ignored');
    return { outcome: { status: 200, result: 'ignored' } };
  }
  const fresh = await deps.store.receive(c.key, c.event.userId, JSON.stringify(storable(c.event)), deps.clock.now());
  if (!fresh) return { outcome: { status: 200, result: 'duplicate' } };
  return { outcome: { status: 200, result: 'accepted' }, accepted: { event: c.event, key: c.key, at: c.at } };
}

/**
 * The webhook route; `dispatch` schedules an accepted event's handling and
 * must not block. The 200 waits until the store says the record is on disk
 * (deliveries that arrive together share one commit, see storage's group
 * commit), so none is acknowledged before it would survive a crash.
 */
export function zaloWebhookRoute(
  deps: WebhookDeps & { readonly maxBodyBytes: number; readonly dispatch: (a: Accepted) => void },
): RawRoute {
  // Settles once the delivery that arrived last has been dispatched (or refused).
  let previous: Promise<void> = Promise.resolve();
  return {
    path: WEBHOOK_PATH,
    maxBodyBytes: deps.maxBodyBytes,
    handle: async (raw, header) => {
      const earlier = previous;
      let dispatched: () => void = () => undefined;
      previous = new Promise<void>((resolve) => (dispatched = resolve));
      try {
        const { outcome, accepted } = await receiveDelivery(deps, raw, header);
        // Anything refused answers at once; a recorded delivery once it is durable.
        if (outcome.result === 'accepted') await deps.store.durable();
        // Handled in the order received: on PostgreSQL each record is its own transaction, and a
        // later delivery's may commit first; it waits for the earlier ones to be dispatched.
        await earlier;
        if (accepted) deps.dispatch(accepted);
        if (outcome.status === 200) return { status: 200, json: { ok: true, result: outcome.result } };
        return { status: outcome.status, json: { error: outcome.result } };
      } finally {
        dispatched();
      }
    },
  };
}
