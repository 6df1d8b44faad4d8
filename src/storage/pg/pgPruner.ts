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
import { startHourlyJob } from '../hourlyJob.js';

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
  return startHourlyJob(
    async () => {
      const report = await pgPruneExpired(deps.db, deps.communeId, deps.days, deps.clock.now());
      if (report === undefined) deps.logger.debug('retention pruning skipped: another process is running it');
      else if (Object.keys(report).length > 0) deps.logger.info({ removed: report }, 'old rows pruned (retention)');
      return report;
    },
    {
      logger: deps.logger,
      failure: 'pruning old rows failed; will retry in an hour',
      ...(deps.intervalMs !== undefined && { intervalMs: deps.intervalMs }),
      ...(deps.firstMs !== undefined && { firstMs: deps.firstMs }),
    },
  );
}
