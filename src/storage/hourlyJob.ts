/**
 * @module storage/hourlyJob
 *
 * The timer both databases' retention pruning runs on (sqlite/pruner.ts,
 * pg/pgPruner.ts): once soon after start, then every hour. The timers are
 * unref'd, so they never keep a stopping process alive; a round never
 * overlaps the one before it, and a failed round is logged and tried again
 * at the next one.
 */
import type { Logger } from '../logger.js';

const HOUR_MS = 3_600_000;
/** The first round waits a little, so start-up and the first residents go first. */
const FIRST_ROUND_MS = 30_000;

export interface HourlyJob<R> {
  /** One round now (also what the timer runs); joins a round already running. */
  run(): Promise<R>;
  stop(): Promise<void>;
}

export interface HourlyJobOptions {
  readonly logger: Logger;
  /** Logged (with the error) when a round fails. */
  readonly failure: string;
  /** False when the job can no longer run (its database closed): the timer then does nothing. */
  readonly alive?: () => boolean;
  readonly intervalMs?: number;
  readonly firstMs?: number;
}

export function startHourlyJob<R>(round: () => Promise<R>, opts: HourlyJobOptions): HourlyJob<R> {
  let running: Promise<R> | undefined;
  let stopped = false;

  const run = (): Promise<R> => {
    running ??= round().finally(() => {
      running = undefined;
    });
    return running;
  };
  const tick = (): void => {
    if (stopped || opts.alive?.() === false) return;
    run().catch((err: unknown) => opts.logger.warn({ err }, opts.failure));
  };

  const first = setTimeout(tick, opts.firstMs ?? FIRST_ROUND_MS);
  const every = setInterval(tick, opts.intervalMs ?? HOUR_MS);
  first.unref();
  every.unref();
  return {
    run,
    stop: async () => {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
      await running?.catch(() => undefined);
    },
  };
}
