/**
 * @module staff/provinceCompose
 *
 * The province view over one SQLite database: the communes it knows
 * (storage/sqlite/provinceRepo.ts), each read through its own report and
 * population repositories, keyed by its commune id. The install's own
 * commune is the one the service runs (commune.yaml with the console's
 * settings laid over it, `home`); another commune is, until it has a
 * settings file of its own, the plan's defaults (groups and targets of the
 * Kế hoạch) under its stored name, with the hamlets its console saved.
 * `communeOf` lets an install that keeps one commune.yaml per commune give
 * each its own targets instead.
 */
import { applyOverrides } from '../content/communeSettings.js';
import { DEFAULT_COMMUNE, type CommuneConfig } from '../content/loadCommune.js';
import type { Clock } from '../core/ports.js';
import type { KnownCommune } from '../core/stores/province.js';
import type { ProvinceDeps } from '../reports/provinceData.js';
import { SqliteCommuneSettingsRepo } from '../storage/sqlite/communeSettingsRepo.js';
import type { Db } from '../storage/sqlite/db.js';
import { SqlitePopulationRepo } from '../storage/sqlite/populationRepo.js';
import { SqliteProvinceRepo } from '../storage/sqlite/provinceRepo.js';
import { SqliteReportRepo } from '../storage/sqlite/reportRepo.js';

export interface SqliteProvinceOptions {
  readonly db: Db;
  /** COMMUNE_ID: the commune this install runs. */
  readonly homeId: string;
  /** The running commune as it is now (services.commune). */
  readonly home: () => CommuneConfig;
  readonly clock: Clock;
  /** Another commune's settings file, when the install has one (else the plan's defaults). */
  readonly communeOf?: (commune: KnownCommune) => CommuneConfig | undefined;
}

/** Another commune: its own file if given, else the plan's defaults under its name; its saved hamlets over either. */
function otherCommune(db: Db, known: KnownCommune, file: CommuneConfig | undefined): CommuneConfig {
  const base = file ?? { ...DEFAULT_COMMUNE, name: known.name };
  return applyOverrides(base, new SqliteCommuneSettingsRepo(db, known.id).overrides()).commune;
}

export function sqliteProvinceDeps(opts: SqliteProvinceOptions): ProvinceDeps {
  const { db, homeId } = opts;
  const source = new SqliteProvinceRepo(db, homeId);
  return {
    clock: opts.clock,
    communes: () =>
      source.communes().map((known) => ({
        id: known.id,
        reports: new SqliteReportRepo(db, known.id),
        population: new SqlitePopulationRepo(db, known.id),
        commune: () => (known.id === homeId ? opts.home() : otherCommune(db, known, opts.communeOf?.(known))),
      })),
  };
}
