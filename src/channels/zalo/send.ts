/**
 * @module channels/zalo/send
 *
 * Zalo's sender for the one outbox (channels/outbox.ts): the call (OA
 * consultation message or Bot Platform text), what Zalo's answers mean, and
 * the messaging window. Outside the window or refused for payment → held
 * until the resident writes again; not a follower → resident inactive, held;
 * rate limit (app-wide: everyone pauses), outage or token trouble → retried
 * later with growing pauses; a bad request → that one message failed, the
 * next goes on. The reply confirming an erasure makes the channel forget the
 * resident once it is done with, delivered or not.
 */
import type { Failure, Sender } from '../outbox.js';
import type { Clock } from '../../core/ports.js';
import type { OutboundMessage } from './render.js';
import {
  ZaloApiError,
  ZaloNotFollowerError,
  ZaloOutOfWindowError,
  ZaloRateLimitError,
  ZaloTokenError,
  ZaloUnavailableError,
} from './errors.js';
import type { ResidentState, ZaloStateStore } from './store.js';
import type { WindowPolicy } from './window.js';

/** Sends one message; throws ZaloApiError subclasses. */
export type Transport = (userId: string, message: OutboundMessage) => Promise<{ messageId?: string }>;

export interface ZaloSenderDeps {
  readonly store: ZaloStateStore;
  readonly send: Transport;
  readonly window: WindowPolicy;
  readonly clock: Clock;
  /** The resident for the window check (default: the store's); PostgreSQL answers from a turn just committed. */
  readonly resident?: (userId: string, now: Date) => Promise<ResidentState | undefined>;
}

export function classifyZaloError(err: unknown): Failure {
  const reason = err instanceof ZaloApiError ? `${err.name} ${err.code}: ${err.description}` : String(err);
  if (err instanceof ZaloOutOfWindowError) return { action: 'hold', reason };
  if (err instanceof ZaloRateLimitError) return { action: 'retry', reason, pauseAll: true };
  if (err instanceof ZaloUnavailableError || err instanceof ZaloTokenError || !(err instanceof ZaloApiError))
    return { action: 'retry', reason };
  return { action: 'fail', reason };
}

export function zaloSender(deps: ZaloSenderDeps): Sender<OutboundMessage> {
  const { store, clock } = deps;
  return {
    send: deps.send,
    async classify(err, item) {
      if (err instanceof ZaloNotFollowerError) {
        const reason = `${err.name} ${err.code}: ${err.description}`;
        await store.markInactive(item.userId, reason, clock.now());
        return { action: 'hold', reason };
      }
      return classifyZaloError(err);
    },
    gate: async (userId, now) => deps.window(await (deps.resident?.(userId, now) ?? store.resident(userId)), now),
    async done(item) {
      if (item.payload.forget) await store.forget(item.userId);
    },
  };
}
