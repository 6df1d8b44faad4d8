/**
 * @module channels/sharedDispatcher
 *
 * The outbox's dispatcher when several processes send from one database
 * (issue 20 item 4; core/stores/sharedOutbox.ts). Where the one-process
 * dispatcher (outbox.ts) picks a resident and sends their rows, this one
 * claims rows: each pass claims the due rows the store grants it (at most one
 * per resident, their oldest), sends them side by side, and records each
 * outcome. A resident's next row is claimable only once this one is done,
 * so their replies go out in order whichever process sends them. What a
 * failure means is the sender's to say, as in outbox.ts (`Failure`).
 *
 * A claim is leased: a process that dies mid-send leaves its rows to another
 * once the lease ends (they may reach the resident twice, as after a restart
 * on one process). A send slower than its lease may have been taken over:
 * its outcome is then not recorded (the store says so) and the new claimer's
 * stands.
 */
import type { Clock, Random } from '../core/ports.js';
import type { ClaimedItem, SharedOutboxStore } from '../core/stores/sharedOutbox.js';
import type { Logger } from '../logger.js';
import { DEFAULT_BACKOFF, retryDelay, type BackoffPolicy, type Sender } from './outbox.js';

export interface SharedDispatcherDeps<P> {
  readonly store: SharedOutboxStore<P>;
  readonly sender: Sender<P>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly backoff?: BackoffPolicy;
  readonly random?: Random;
  /** How long a claim keeps other processes off a row (longer than any send takes). */
  readonly leaseMs?: number;
  /** Rows claimed per pass. */
  readonly batch?: number;
}

export const DEFAULT_LEASE_MS = 2 * 60_000;

export class SharedDispatcher<P> {
  private readonly backoff: BackoffPolicy;
  /** An app-wide rate limit seen by this process: it claims nothing until then (ms since epoch). */
  private pausedUntil = 0;

  constructor(private readonly deps: SharedDispatcherDeps<P>) {
    this.backoff = deps.backoff ?? DEFAULT_BACKOFF;
  }

  /** Claims what is due and sends it; resolves with how many rows were claimed. */
  async pass(): Promise<number> {
    return (await this.round()).claimed;
  }

  /**
   * A pass, for a drain: resolves with 0 when no further pass is known to
   * find anything (no row claimed had another of its resident behind it, and
   * the batch was not full), so a drain ends without a pass that claims
   * nothing (on PostgreSQL a transaction). Rows that become due otherwise (a
   * retry, a lease ended, another turn's) come with a drain of their own.
   */
  async step(): Promise<number> {
    const { claimed, followed } = await this.round();
    return claimed >= this.batch() ? claimed : followed;
  }

  private batch(): number {
    return this.deps.batch ?? 20;
  }

  private async round(): Promise<{ claimed: number; followed: number }> {
    const { store, clock } = this.deps;
    const now = clock.now();
    if (now.getTime() < this.pausedUntil) return { claimed: 0, followed: 0 };
    const items = await store.claim(now, this.batch(), this.deps.leaseMs ?? DEFAULT_LEASE_MS);
    await Promise.all(items.map((item) => this.deliver(item)));
    return { claimed: items.length, followed: items.filter((i) => i.followed).length };
  }

  private async deliver(item: ClaimedItem<P>): Promise<void> {
    const { store, sender, clock, logger } = this.deps;
    const channel = store.channel;
    const decision = (await sender.gate?.(item.userId, clock.now())) ?? { send: true };
    if (!decision.send) {
      await store.holdAll(item.userId, decision.reason, clock.now());
      logger.info({ channel, reason: decision.reason }, 'replies held until the resident writes again');
      return;
    }
    if (item.sendingAt && item.attempts >= this.backoff.maxAttempts) {
      if (await store.markFailed(item, 'every try stopped during the send', clock.now()))
        await sender.done?.(item, 'failed');
      logger.error({ channel, outboxId: item.id, attempts: item.attempts }, 'reply given up: no try ever finished');
      return;
    }
    if (item.sendingAt) {
      logger.warn(
        { channel, outboxId: item.id, startedAt: item.sendingAt.toISOString() },
        'a reply was being sent by a process that stopped; sending it again (the resident may see it twice)',
      );
    }
    let messageId: string | undefined;
    try {
      ({ messageId } = await sender.send(item.userId, item.payload));
    } catch (err) {
      await this.onError(item, err);
      return;
    }
    if (await store.markSent(item, clock.now(), messageId)) await sender.done?.(item, 'sent');
    else logger.warn({ channel, outboxId: item.id }, 'a reply was sent after its lease ended; another process owns it');
  }

  /** Applies a failed send to the queue. */
  private async onError(item: ClaimedItem<P>, err: unknown): Promise<void> {
    const { store, sender, clock, logger } = this.deps;
    const now = clock.now();
    const failure = await sender.classify(err, item);
    const channel = store.channel;
    if (failure.action === 'hold') {
      await store.holdAll(item.userId, failure.reason, now);
      logger.info({ channel, reason: failure.reason }, 'send refused; replies held until the resident writes again');
      return;
    }
    if (failure.action === 'retry' && item.attempts + 1 < this.backoff.maxAttempts) {
      const attempts = item.attempts + 1;
      const delay = retryDelay(this.backoff, attempts, this.deps.random, failure.afterMs);
      await store.markRetry(item, attempts, new Date(now.getTime() + delay), failure.reason);
      if (failure.pauseAll) this.pausedUntil = Math.max(this.pausedUntil, now.getTime() + delay);
      logger.warn({ channel, err: failure.reason, attempts, retryInMs: delay }, 'send failed; will retry');
      return;
    }
    if (await store.markFailed(item, failure.reason, now)) await sender.done?.(item, 'failed');
    logger.error({ channel, err: failure.reason, attempts: item.attempts + 1 }, 'reply given up');
  }
}

/** Passes per drain round at most: a backlog bigger than this waits for the next round (the timer's). */
const MAX_PASSES = 200;

/** Runs `pass` until it says nothing more is due (0); callers during a run wait for one more round of it. */
export function drainer(pass: () => Promise<number>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    const run = (async () => {
      try {
        do {
          again = false;
          for (let i = 0; i < MAX_PASSES && (await pass()) > 0; i++);
        } while (again);
      } finally {
        running = undefined;
      }
    })();
    running = run;
    return run;
  };
}
