/**
 * @module channels/zalo/outbox
 *
 * Every reply goes out through here, never straight from a handler: replies
 * are first queued in the database (with the event that caused them marked
 * handled in the same transaction), then sent in order, one resident at a
 * time. What Zalo's answer means for the queue is decided by the error's
 * class: outside the window or refused for payment → held until the resident
 * writes again; not a follower → resident inactive, held; rate limit, outage
 * or token trouble → retried later with growing pauses; a bad request → that
 * one message failed, the next goes on. Callers run `flush` inside the
 * resident's serializer, so two flushes never interleave for one person.
 *
 * Delivery is at least once: Zalo's send API has no idempotency key, so a
 * reply whose call was under way when the process died is sent again after
 * the restart. Each attempt's start is committed before the call, which keeps
 * that window to the call itself and lets the restart say which replies may
 * arrive twice.
 */
import type { Clock } from '../../core/ports.js';
import type { Logger } from '../../logger.js';
import type { WriteScope } from '../../storage/sqlite/writeScope.js';
import {
  ZaloApiError,
  ZaloNotFollowerError,
  ZaloOutOfWindowError,
  ZaloRateLimitError,
  ZaloTokenError,
  ZaloUnavailableError,
} from './errors.js';
import type { OutboundMessage } from './render.js';
import type { OutboxItem, ZaloStore } from './store.js';
import type { WindowPolicy } from './window.js';

/** Sends one message; throws ZaloApiError subclasses. */
export type Transport = (userId: string, message: OutboundMessage) => Promise<{ messageId?: string }>;

export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
  /** Tries before a message is given up as failed. */
  readonly maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, maxMs: 5 * 60_000, maxAttempts: 20 };

export interface OutboxDeps {
  readonly store: ZaloStore;
  readonly send: Transport;
  readonly window: WindowPolicy;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly backoff?: BackoffPolicy;
  /**
   * Group commit. An attempt's start is committed before the call (waited
   * for); its "sent" mark is not waited for, so only a crash during the call
   * itself, or in the moment between Zalo's answer and that commit, can send
   * a reply twice.
   */
  readonly writes?: WriteScope;
}

export class Outbox {
  private readonly backoff: BackoffPolicy;
  /** Zalo's rate limit is per app: after a -32 nobody sends until then (ms since epoch). */
  private pausedUntil = 0;

  constructor(private readonly deps: OutboxDeps) {
    this.backoff = deps.backoff ?? DEFAULT_BACKOFF;
  }

  /** Sends the resident's pending messages in order until one cannot go now. */
  async flush(userId: string): Promise<void> {
    const { store, clock, logger } = this.deps;
    const resident = store.resident(userId);
    for (;;) {
      if (clock.now().getTime() < this.pausedUntil) return;
      const item = store.nextPending(userId);
      if (!item || item.nextAttemptAt.getTime() > clock.now().getTime()) return;
      const decision = this.deps.window(resident, clock.now());
      if (!decision.send) {
        store.holdAll(userId, decision.reason, clock.now());
        logger.info({ reason: decision.reason }, 'zalo replies held until the resident writes again');
        return;
      }
      if (item.sendingAt) {
        // Zalo has no idempotency key: resending is the only way not to lose the reply.
        logger.warn(
          { outboxId: item.id, startedAt: item.sendingAt.toISOString() },
          'zalo reply was being sent when the service stopped; sending it again (the resident may see it twice)',
        );
      }
      try {
        this.deps.writes?.join();
        store.markSending(item.id, clock.now());
        await this.deps.writes?.settled();
        const { messageId } = await this.deps.send(userId, item.message);
        this.deps.writes?.join();
        store.markSent(item.id, clock.now(), messageId);
        // The confirmation that their data was erased: now that it is delivered, nothing of them stays.
        if (item.message.forget) store.forget(userId);
      } catch (err) {
        if (!this.onError(item, err)) return;
      }
    }
  }

  /** Applies a failed send to the queue; true when the next message may be tried at once. */
  private onError(item: OutboxItem, err: unknown): boolean {
    const { store, clock, logger } = this.deps;
    const now = clock.now();
    const reason = err instanceof ZaloApiError ? `${err.name} ${err.code}: ${err.description}` : String(err);
    if (err instanceof ZaloOutOfWindowError) {
      store.holdAll(item.userId, reason, now);
      logger.info({ code: err.code }, 'zalo refused outside the window; replies held until the resident writes');
      return false;
    }
    if (err instanceof ZaloNotFollowerError) {
      store.markInactive(item.userId, reason, now);
      store.holdAll(item.userId, reason, now);
      logger.info({ code: err.code }, 'zalo resident no longer follows the OA; marked inactive');
      return false;
    }
    const retryable =
      err instanceof ZaloRateLimitError ||
      err instanceof ZaloUnavailableError ||
      err instanceof ZaloTokenError ||
      !(err instanceof ZaloApiError);
    if (retryable && item.attempts + 1 < this.backoff.maxAttempts) {
      const attempts = item.attempts + 1;
      const delay = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** (attempts - 1));
      store.markRetry(item.id, attempts, new Date(now.getTime() + delay), reason);
      if (err instanceof ZaloRateLimitError) this.pausedUntil = Math.max(this.pausedUntil, now.getTime() + delay);
      logger.warn({ err: reason, attempts, retryInMs: delay }, 'zalo send failed; will retry');
      return false;
    }
    store.markFailed(item.id, reason, now);
    // Even undelivered, the confirmation of an erasure was the last thing owed to that resident.
    if (item.message.forget) store.forget(item.userId);
    logger.error({ err: reason, attempts: item.attempts + 1 }, 'zalo message given up');
    return true;
  }
}
