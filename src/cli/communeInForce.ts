/**
 * @module cli/communeInForce
 *
 * The commune a command works with: commune.yaml with the sections staff
 * saved in the console laid over it, exactly as the running service sees it.
 * A command that read the file alone would label a hamlet added in the
 * console by its bare id, or not know it at all.
 */
import { createLiveCommune } from '../content/liveCommune.js';
import type { CommuneConfig } from '../content/loadCommune.js';
import type { Logger } from '../logger.js';
import { SqliteCommuneSettingsRepo } from '../storage/sqlite/communeSettingsRepo.js';
import type { Db } from '../storage/sqlite/db.js';

export function communeInForce(file: CommuneConfig, db: Db, communeId: string, logger: Logger): CommuneConfig {
  return createLiveCommune(file, new SqliteCommuneSettingsRepo(db, communeId), (problems) => {
    for (const p of problems) logger.warn(p);
  }).snapshot();
}
