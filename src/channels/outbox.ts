/**
 * @module channels/outbox
 *
 * The one dispatcher of the outbox (issue 18 item 2): every channel's replies
 * are rows queued with the turn that produced them (storage/sqlite/turns.ts),
 * and this sends them through the channel's small sender (channels/<x>/send.ts),
 * in order, one resident at a time. What a failure means is the sender's to
 * say (`Failure`): retried later with growing, jittered pauses (or after the
 * platform's Retry-After), held until the resident writes again (Zalo's
 * window, a resident who left), or failed (retrying changes nothing; the next
 * reply goes on). A sender may also refuse to send now (`gate`, Zalo's
 * messaging window). Flushes of one resident run one after another (a
 * turn's flush and the retry timer's never interleave), so no row is sent
 * twice by two flushes.
 *
 * Delivery is at least once: a reply whose call was under way when the
 * process died is sent again after the restart (no platform here has an
 * idempotency key). Each attempt's start is durable before the call, so that
 * window is the call itself, and the restart says which replies may arrive
 * twice. A reply committed but never tried (a crash between the turn's commit
 * and its send) goes out once.
 */
import type { Clock, MaybePromise, Random } from '../core/ports.js';
import type { OutboxStore, QueuedItem } from '../core/stores/outbox.js';
import type { Logger } from '../logger.js';
import { KeyedSerializer } from './serializer.js';

/** What a failed send means for the queue. */
export type Failure =
  | {
      readonly action: 'retry';
      readonly reason: string;
      /** The platform's own wait (Retry-After, retry_after), when it gave one. */
      readonly afterMs?: number;
      /** The limit is the whole app's, not this resident's: nobody sends until the pause ends. */
      readonly pauseAll?: boolean;
    }
  | { readonly action: 'hold'; readonly reason: string }
  | { readonly action: 'fail'; readonly reason: string };

/** Whether a reply may go out now (Zalo's window); `send: false` holds the resident's replies. */
export type GateDecision = { readonly send: true } | { readonly send: false; readonly reason: string };

/** One channel's way out: the call, what its errors mean, and its rules. */
export interface Sender<P> {
  send(userId: string, payload: P): Promise<{ messageId?: string }>;
  /** What a failed send of `item` means (the sender may note what it learnt, e.g. a resident who left). */
  classify(err: unknown, item: QueuedItem<P>): MaybePromise<Failure>;
  gate?(userId: string, now: Date): MaybePromise<GateDecision>;
  /** Told once a reply is done with (sent, or given up): Zalo forgets a resident after the erasure's confirmation. */
  done?(item: QueuedItem<P>, outcome: 'sent' | 'failed'): MaybePromise<void>;
}

export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
  /** Tries before a message is given up as failed. */
  readonly maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, maxMs: 5 * 60_000, maxAttempts: 20 };

export interface DispatcherDeps<P> {
  readonly store: OutboxStore<P>;
  readonly sender: Sender<P>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly backoff?: BackoffPolicy;
  /** Jitter of the pauses (absent: none, so tests see exact times). */
  readonly random?: Random;
}

/**
 * The pause before try `attempts + 1`: doubling from `baseMs`, capped, with
 * "equal jitter" (half fixed, half random) so residents refused together do
 * not all come back in the same second; never shorter than the platform asked.
 */
export function retryDelay(policy: BackoffPolicy, attempts: number, random?: Random, afterMs?: number): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempts - 1));
  const jittered = random ? exp / 2 + (exp / 2) * random.next() : exp;
  return Math.max(Math.round(jittered), afterMs ?? 0);
}

export class Dispatcher<P> {
  private readonly backoff: BackoffPolicy;
  /** An app-wide rate limit: nobody sends until then (ms since epoch). */
  private pausedUntil = 0;
  private readonly serial = new KeyedSerializer();

  constructor(private readonly deps: DispatcherDeps<P>) {
    this.backoff = deps.backoff ?? DEFAULT_BACKOFF;
  }

  get store(): OutboxStore<P> {
    return this.deps.store;
  }

  /** Sends the resident's pending replies in order until one cannot go now. */
  flush(userId: string): Promise<void> {
    return this.serial.run(userId, () => this.flushNow(userId));
  }

  private async flushNow(userId: string): Promise<void> {
    const { store, sender, clock, logger } = this.deps;
    for (;;) {
      if (clock.now().getTime() < this.pausedUntil) return;
      const item = store.nextPending(userId);
      if (!item || item.nextAttemptAt.getTime() > clock.now().getTime()) return;
      const decision = (await sender.gate?.(userId, clock.now())) ?? { send: true };
      if (!decision.send) {
        store.holdAll(userId, decision.reason, clock.now());
        logger.info(
          { channel: store.channel, reason: decision.reason },
          'replies held until the resident writes again',
        );
        return;
      }
      if (item.sendingAt) {
        // No idempotency key: resending is the only way not to lose the reply.
        logger.warn(
          { channel: store.channel, outboxId: item.id, startedAt: item.sendingAt.toISOString() },
          'a reply was being sent when the service stopped; sending it again (the resident may see it twice)',
        );
      }
      try {
        await store.markSending(item.id, clock.now());
        const { messageId } = await sender.send(userId, item.payload);
        store.markSent(item.id, clock.now(), messageId);
        await sender.done?.(item, 'sent');
      } catch (err) {
        if (!(await this.onError(item, err))) return;
      }
    }
  }

  /** Applies a failed send to the queue; true when the next reply may be tried at once. */
  private async onError(item: QueuedItem<P>, err: unknown): Promise<boolean> {
    const { store, sender, clock, logger } = this.deps;
    const now = clock.now();
    const failure = await sender.classify(err, item);
    const channel = store.channel;
    if (failure.action === 'hold') {
      store.holdAll(item.userId, failure.reason, now);
      logger.info({ channel, reason: failure.reason }, 'send refused; replies held until the resident writes again');
      return false;
    }
    if (failure.action === 'retry' && item.attempts + 1 < this.backoff.maxAttempts) {
      const attempts = item.attempts + 1;
      const delay = retryDelay(this.backoff, attempts, this.deps.random, failure.afterMs);
      store.markRetry(item.id, attempts, new Date(now.getTime() + delay), failure.reason);
      if (failure.pauseAll) this.pausedUntil = Math.max(this.pausedUntil, now.getTime() + delay);
      logger.warn({ channel, err: failure.reason, attempts, retryInMs: delay }, 'send failed; will retry');
      return false;
    }
    store.markFailed(item.id, failure.reason, now);
    await sender.done?.(item, 'failed');
    logger.error({ channel, err: failure.reason, attempts: item.attempts + 1 }, 'reply given up');
    return true;
  }
}
