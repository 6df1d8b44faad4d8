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
import { startHourlyJob } from '../hourlyJob.js';

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
  return startHourlyJob(
    async () => {
      const report = await pruneExpired(deps.db, deps.communeId, deps.days, deps.clock.now());
      if (Object.keys(report).length > 0) deps.logger.info({ removed: report }, 'old rows pruned (retention)');
      return report;
    },
    {
      logger: deps.logger,
      failure: 'pruning old rows failed; will retry in an hour',
      alive: () => deps.db.open,
      ...(deps.intervalMs !== undefined && { intervalMs: deps.intervalMs }),
      ...(deps.firstMs !== undefined && { firstMs: deps.firstMs }),
    },
  );
}
