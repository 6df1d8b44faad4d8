/**
 * @module storage/sqlite/pruner
 *
 * Runs the retention pruning (see retention.ts) in the background while the
 * service runs: once soon after start, then every hour. The timer is
 * unref'd, so it never keeps a stopping process alive, and a failed round
 * is logged and tried again at the next one.
 */
import type { Clock } from '../../core/ports.js';
import type { Logger } from '../../logger.js';
import type { Db } from './db.js';
import { pruneExpired, type PruneReport, type RetentionDays } from './retention.js';

const HOUR_MS = 3_600_000;
/** The first round waits a little, so start-up and the first residents go first. */
const FIRST_ROUND_MS = 30_000;

export interface Pruner {
  /** One round now (also what the timer runs). */
  run(): Promise<PruneReport>;
  stop(): Promise<void>;
}

export interface PrunerDeps {
  readonly db: Db;
  readonly communeId: string;
  readonly days: RetentionDays;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly intervalMs?: number;
  readonly firstMs?: number;
}

export function startPruner(deps: PrunerDeps): Pruner {
  let running: Promise<PruneReport> | undefined;
  let stopped = false;

  const run = (): Promise<PruneReport> => {
    running ??= pruneExpired(deps.db, deps.communeId, deps.days, deps.clock.now())
      .then((report) => {
        if (Object.keys(report).length > 0) deps.logger.info({ removed: report }, 'old rows pruned (retention)');
        return report;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const round = (): void => {
    if (stopped || !deps.db.open) return;
    run().catch((err: unknown) => deps.logger.warn({ err }, 'pruning old rows failed; will retry in an hour'));
  };

  const first = setTimeout(round, deps.firstMs ?? FIRST_ROUND_MS);
  const every = setInterval(round, deps.intervalMs ?? HOUR_MS);
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
