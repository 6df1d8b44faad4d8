/**
 * @module http/rejectionLog
 *
 * Webhook calls refused (a wrong secret or signature, a body that is not an
 * update, one too large) are counted and written as one summary line a
 * minute, not one line per call: a scanner or a misconfigured sender at
 * thousands of calls a second would otherwise fill the disk with the log
 * and bury every other line. The first refusal starts the minute, so a
 * mistake in the settings still shows within a minute of the first call.
 */
import type { Logger } from '../logger.js';

const MINUTE_MS = 60_000;

export class RejectionLog {
  private counts = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly windowMs = MINUTE_MS,
  ) {}

  /** Counts one refused call; `reason` is the reply's error code. */
  note(path: string, status: number, reason?: string): void {
    const key = `${path} ${status}${reason ? ` ${reason}` : ''}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.windowMs);
      this.timer.unref();
    }
  }

  /** Writes the summary of what was counted (nothing when nothing was), and starts a new window. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.counts.size === 0) return;
    const rejected = Object.fromEntries(this.counts);
    const total = [...this.counts.values()].reduce((a, b) => a + b, 0);
    this.counts = new Map();
    this.logger.warn(
      { rejected, total, windowSeconds: Math.round(this.windowMs / 1000) },
      'webhook calls refused (check the sender and the channel secrets if these are not attacks)',
    );
  }
}
