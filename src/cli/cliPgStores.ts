/**
 * @module cli/cliPgStores
 *
 * The command line's stores on PostgreSQL (cliStores.ts picks them when
 * DATABASE_URL is set): the Pg twins of the SQLite stores, over one small
 * pool that `close()` ends. Each call is its own `withCommune` transaction, so
 * row-level security fences every command to COMMUNE_ID.
 */
import { PgCommuneRegistry } from '../storage/pg/pgCommuneRegistry.js';
import { openLiveCommune } from '../content/liveCommune.js';
import type { Clock } from '../core/ports.js';
import { openPgDatabase } from '../storage/pg/db.js';
import { PgCommuneSettingsRepo } from '../storage/pg/pgCommuneSettingsRepo.js';
import { PgLearningRepo } from '../storage/pg/pgLearningRepo.js';
import { PgPopulationRepo } from '../storage/pg/pgPopulationRepo.js';
import { PgReportRepo } from '../storage/pg/pgReportRepo.js';
import { pgPruneExpired } from '../storage/pg/pgRetention.js';
import { PgAuditLog } from '../storage/pg/pgStaffAudit.js';
import { PgStaffChatLinks } from '../storage/pg/pgStaffChatLinks.js';
import { PgStaffStore } from '../storage/pg/pgStaffStore.js';
import { PgUnansweredLog } from '../storage/pg/pgUnansweredLog.js';
import { warnEach, type CliStores } from './cliStores.js';

export function openPgStores(url: string, communeId: string, clock: Clock): CliStores {
  // One command, one query at a time: two connections are plenty.
  const pg = openPgDatabase(url, { max: 2, applicationName: 'hocvuso-cli' });
  return {
    database: 'postgres',
    async ensureCommune() {
      await new PgCommuneRegistry(pg, communeId).add(communeId, communeId);
    },
    async communeInForce(file, logger) {
      const live = await openLiveCommune(file, new PgCommuneSettingsRepo(pg, communeId), { report: warnEach(logger) });
      return live.snapshot();
    },
    staff: new PgStaffStore(pg, communeId),
    audit: new PgAuditLog(pg, communeId, clock),
    staffChats: new PgStaffChatLinks(pg, communeId),
    reports: new PgReportRepo(pg, communeId),
    population: new PgPopulationRepo(pg, communeId),
    unanswered: new PgUnansweredLog(pg, communeId),
    learning: new PgLearningRepo(pg, communeId),
    prune: (days, now) => pgPruneExpired(pg, communeId, days, now),
    close: () => pg.destroy(),
  };
}
