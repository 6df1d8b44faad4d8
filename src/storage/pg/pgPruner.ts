/**
 * @module storage/pg/pgPruner
 *
 * The retention pruning's timer (storage/sqlite/pruner.ts) for PostgreSQL:
 * once soon after start, then every hour, unref'd, a failed round logged and
 * tried at the next. Every process of an install runs this timer; each round
 * is a job per commune (pgRetention.ts, jobLock.ts), so one process prunes
 * and the others skip that round.
 */
import type { Clock } from '../../core/ports.js';
import type { Logger } from '../../logger.js';
import type { PruneReport, RetentionDays } from '../sqlite/retention.js';
import type { PgDb } from './db.js';
import { pgPruneExpired } from './pgRetention.js';

const HOUR_MS = 3_600_000;
const FIRST_ROUND_MS = 30_000;

export interface PgPruner {
  /** One round now (also what the timer runs); undefined when another process was pruning. */
  run(): Promise<PruneReport | undefined>;
  stop(): Promise<void>;
}

export interface PgPrunerDeps {
  readonly db: PgDb;
  readonly communeId: string;
  readonly days: RetentionDays;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly intervalMs?: number;
  readonly firstMs?: number;
}

export function startPgPruner(deps: PgPrunerDeps): PgPruner {
  let running: Promise<PruneReport | undefined> | undefined;
  let stopped = false;

  const run = (): Promise<PruneReport | undefined> => {
    running ??= pgPruneExpired(deps.db, deps.communeId, deps.days, deps.clock.now())
      .then((report) => {
        if (report === undefined) deps.logger.debug('retention pruning skipped: another process is running it');
        else if (Object.keys(report).length > 0) deps.logger.info({ removed: report }, 'old rows pruned (retention)');
        return report;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const round = (): void => {
    if (stopped) return;
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
