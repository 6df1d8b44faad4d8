/**
 * @module core/qa/modelBudget
 *
 * A ceiling on model requests per minute, so a flood of questions (or one
 * resident pasting the same message in a loop) cannot run up the commune's
 * bill. Past the ceiling the extractive answer goes out, which costs nothing
 * and is still grounded. A sliding window of request times, on the injected
 * clock.
 */
import type { Clock } from '../ports.js';

const MINUTE_MS = 60_000;

export class ModelBudget {
  private readonly times: number[] = [];
  private refusedCount = 0;

  /** `perMinute` 0 means no ceiling. */
  constructor(
    private readonly perMinute: number,
    private readonly clock: Clock,
  ) {}

  /** Takes one request from the budget; false when the last minute already used it all. */
  take(): boolean {
    if (this.perMinute <= 0) return true;
    const now = this.clock.now().getTime();
    while (this.times.length > 0 && now - (this.times[0] ?? now) >= MINUTE_MS) this.times.shift();
    if (this.times.length >= this.perMinute) {
      this.refusedCount++;
      return false;
    }
    this.times.push(now);
    return true;
  }

  /** Requests not sent because the budget was used up (for the logs and the bench). */
  get refused(): number {
    return this.refusedCount;
  }
}
