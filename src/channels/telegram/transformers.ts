/**
 * @module channels/telegram/transformers
 *
 * The outgoing side of the Bot API client, assembled in one order: a test's
 * fake transport (innermost), the throttler (Telegram's ~30 messages/s
 * overall and per-chat pace, with a short burst allowed so a reply of three
 * messages is not spread over three seconds), a bounded retry of network
 * failures (auto-retry would retry those for ever, holding a webhook request
 * and the learner's queue), auto-retry (sleeps `retry_after` on 429, retries
 * 5xx a bounded number of times) and, outermost, a watcher that records a
 * 403 as an unreachable chat and logs every other refusal once. A 403 is
 * never retried: auto-retry leaves 4xx other than 429 alone.
 */
import { autoRetry, type AutoRetryOptions } from '@grammyjs/auto-retry';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import { HttpError, type Transformer } from 'grammy';
import type { Clock } from '../../core/ports.js';
import type { Logger } from '../../logger.js';
import type { TelegramStore } from './store.js';

/** Bounded so a webhook request finishes well inside Telegram's 60 s. */
export const DEFAULT_RETRY: Partial<AutoRetryOptions> = { maxRetryAttempts: 3, maxDelaySeconds: 30 };

export interface NetworkRetry {
  readonly attempts: number;
  readonly firstDelayMs: number;
}

/** Three more tries over about 7 s, then the error goes to the error boundary. */
export const DEFAULT_NETWORK_RETRY: NetworkRetry = { attempts: 3, firstDelayMs: 1000 };

/** Retries a call whose request never got an answer (connection refused, reset, timeout), with doubling pauses. */
export function retryNetworkErrors(retry: NetworkRetry): Transformer {
  return async (prev, method, payload, signal) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await prev(method, payload, signal);
      } catch (err) {
        if (!(err instanceof HttpError) || attempt >= retry.attempts || signal?.aborted) throw err;
        await new Promise((resolve) => setTimeout(resolve, retry.firstDelayMs * 2 ** attempt));
      }
    }
  };
}

/** Records chats that refuse the bot (403) and logs other refusals, without payloads (they hold residents' text). */
export function watchRefusals(deps: { store: TelegramStore; clock: Clock; logger: Logger }): Transformer {
  return async (prev, method, payload, signal) => {
    const res = await prev(method, payload, signal);
    if (res.ok) return res;
    const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
    if (res.error_code === 403 && typeof chatId === 'number') {
      await deps.store.markInactive(chatId, res.description, deps.clock.now());
    } else if (method !== 'getUpdates') {
      deps.logger.warn({ method, code: res.error_code, description: res.description }, 'telegram: call refused');
    }
    return res;
  };
}

/** Per-chat burst of 4 then one a second; groups 20 a minute; 30 a second overall. */
export function throttler(): Transformer {
  return apiThrottler({
    global: { reservoir: 30, reservoirRefreshAmount: 30, reservoirRefreshInterval: 1000 },
    group: { maxConcurrent: 1, reservoir: 20, reservoirRefreshAmount: 20, reservoirRefreshInterval: 60_000 },
    out: {
      maxConcurrent: 1,
      reservoir: 4,
      reservoirIncreaseAmount: 1,
      reservoirIncreaseInterval: 1000,
      reservoirIncreaseMaximum: 4,
    },
  });
}

export interface TransformerOptions {
  readonly store: TelegramStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly throttle: boolean;
  readonly retry?: Partial<AutoRetryOptions>;
  readonly networkRetry?: NetworkRetry;
  /** Innermost: a fake Bot API (tests, benchmarks). */
  readonly transport?: Transformer;
}

/** The transformers in installation order (grammY wraps each new one around the previous). */
export function outgoingTransformers(o: TransformerOptions): Transformer[] {
  return [
    ...(o.transport ? [o.transport] : []),
    ...(o.throttle ? [throttler()] : []),
    retryNetworkErrors(o.networkRetry ?? DEFAULT_NETWORK_RETRY),
    autoRetry({ ...DEFAULT_RETRY, ...o.retry, rethrowHttpErrors: true }),
    watchRefusals(o),
  ];
}
