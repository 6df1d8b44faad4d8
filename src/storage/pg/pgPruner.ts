/**
 * @module storage/pg/pgPruner
 *
 * The retention pruning's timer (storage/sqlite/pruner.ts) for PostgreSQL:
 * once soon after start, then every hour, unref'd, a failed round logged and
 * tried at the next. Every process of an install runs this timer; each round
 * is a job per commune (pgRetention.ts, jobLock.ts), so one process prunes
 * and the others skip that round.
 *
 * A round covers every commune the install serves (`communes`, read at each
 * round, so a commune added while the service runs is pruned from the next
 * one): row-level security lets a transaction see one commune only, so a
 * round over COMMUNE_ID alone would leave the other communes' old rows,
 * expired staff sessions and failed sign-ins in place for good. One
 * commune's failure is logged and does not stop the others.
 */
import type { Clock, MaybePromise } from '../../core/ports.js';
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

interface PgPrunerCommon {
  readonly db: PgDb;
  readonly days: RetentionDays;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly intervalMs?: number;
  readonly firstMs?: number;
}

/** One commune (`communeId`), or every commune the install serves (`communes`, read at each round). */
export type PgPrunerDeps = PgPrunerCommon &
  (
    | { readonly communeId: string; readonly communes?: undefined }
    | { readonly communes: () => MaybePromise<readonly string[]>; readonly communeId?: undefined }
  );

/** A round: each commune pruned in turn; what was removed, summed, or undefined when every commune was skipped. */
async function pruneRound(deps: PgPrunerDeps): Promise<PruneReport | undefined> {
  const communes = deps.communes ? [...new Set(await deps.communes())] : [deps.communeId];
  let total: PruneReport | undefined;
  let failed: Error | undefined;
  for (const communeId of communes) {
    let report: PruneReport | undefined;
    try {
      report = await pgPruneExpired(deps.db, communeId, deps.days, deps.clock.now());
    } catch (err) {
      // Logged by the timer below when it is the last one; the other communes still get their round.
      if (communes.length > 1) deps.logger.warn({ err, communeId }, 'pruning old rows of one commune failed');
      failed = err instanceof Error ? err : new Error(String(err));
      continue;
    }
    if (report === undefined) {
      deps.logger.debug({ communeId }, 'retention pruning skipped: another process is running it');
      continue;
    }
    if (Object.keys(report).length > 0) deps.logger.info({ communeId, removed: report }, 'old rows pruned (retention)');
    total ??= {};
    for (const [table, n] of Object.entries(report)) total[table] = (total[table] ?? 0) + n;
  }
  if (failed !== undefined && total === undefined) throw failed;
  return total;
}

export function startPgPruner(deps: PgPrunerDeps): PgPruner {
  return startHourlyJob(() => pruneRound(deps), {
    logger: deps.logger,
    failure: 'pruning old rows failed; will retry in an hour',
    ...(deps.intervalMs !== undefined && { intervalMs: deps.intervalMs }),
    ...(deps.firstMs !== undefined && { firstMs: deps.firstMs }),
  });
}
