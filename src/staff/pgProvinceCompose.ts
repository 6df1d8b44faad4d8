/**
 * @module staff/pgProvinceCompose
 *
 * The province view over PostgreSQL, the twin of provinceCompose.ts: the
 * communes the install knows (storage/pg/pgProvinceRepo.ts, the one read
 * that opens the list of communes), each then read through its own report
 * and population repositories, in transactions fenced to that commune alone.
 * The install's own commune is the one the service runs (`home`); another
 * is its own settings file when `communeOf` gives one, else the plan's
 * defaults under its stored name, with the hamlets its console saved
 * (`overridesOf`, when the install can read them).
 */
import { applyOverrides } from '../content/communeSettings.js';
import { DEFAULT_COMMUNE, type CommuneConfig } from '../content/loadCommune.js';
import type { Clock, MaybePromise } from '../core/ports.js';
import type { CommuneOverrides } from '../core/stores/communeSettings.js';
import type { KnownCommune } from '../core/stores/province.js';
import type { ProvinceDeps } from '../reports/provinceData.js';
import type { PgDb } from '../storage/pg/db.js';
import { PgPopulationRepo } from '../storage/pg/pgPopulationRepo.js';
import { PgProvinceRepo } from '../storage/pg/pgProvinceRepo.js';
import { PgReportRepo } from '../storage/pg/pgReportRepo.js';

export interface PgProvinceOptions {
  readonly db: PgDb;
  /** COMMUNE_ID: the commune this install runs. */
  readonly homeId: string;
  /** The running commune as it is now (services.commune). */
  readonly home: () => CommuneConfig;
  readonly clock: Clock;
  /** Another commune's settings file, when the install has one (else the plan's defaults). */
  readonly communeOf?: (commune: KnownCommune) => CommuneConfig | undefined;
  /** What another commune's console saved (its hamlets); nothing when absent. */
  readonly overridesOf?: (communeId: string) => MaybePromise<CommuneOverrides>;
}

export function pgProvinceDeps(opts: PgProvinceOptions): ProvinceDeps {
  const { db, homeId } = opts;
  const source = new PgProvinceRepo(db, homeId);
  const other = async (known: KnownCommune): Promise<CommuneConfig> => {
    const base = opts.communeOf?.(known) ?? { ...DEFAULT_COMMUNE, name: known.name };
    return applyOverrides(base, (await opts.overridesOf?.(known.id)) ?? {}).commune;
  };
  return {
    clock: opts.clock,
    communes: async () =>
      (await source.communes()).map((known) => ({
        id: known.id,
        reports: new PgReportRepo(db, known.id),
        population: new PgPopulationRepo(db, known.id),
        commune: () => (known.id === homeId ? opts.home() : other(known)),
      })),
  };
}
