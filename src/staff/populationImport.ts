/**
 * @module staff/populationImport
 *
 * One population import, whoever starts it (the console's upload or
 * `cli population import`): parse against the hamlets and groups in force,
 * save all of it in one transaction or nothing, record what changed in the
 * audit log, and say per hamlet what was imported.
 */
import type { Clock } from '../core/ports.js';
import type { PopulationChange, PopulationStore } from '../core/stores/populationEdit.js';
import { editOf, importSummary, parsePopulationCsv, type PopulationLists } from '../content/populationCsv.js';
import type { AuditLog } from './types.js';

export interface PopulationImportDeps {
  readonly lists: PopulationLists;
  readonly store: PopulationStore;
  readonly clock: Clock;
  readonly audit?: AuditLog;
}

export type PopulationImportResult =
  | { readonly ok: true; readonly summary: string[]; readonly changes: PopulationChange[] }
  | { readonly ok: false; readonly errors: string[] };

/**
 * @param actorId who imports (a staff id, or `cli`)
 * @param source what the figures came from, for the audit log (`upload`, `cli`)
 */
export async function importPopulation(
  deps: PopulationImportDeps,
  bytes: Uint8Array,
  actorId: string,
  source: string,
): Promise<PopulationImportResult> {
  const parsed = parsePopulationCsv(bytes, deps.lists);
  if (!parsed.ok) return parsed;
  const changes = await deps.store.save(editOf(parsed.rows), actorId, deps.clock.now());
  await deps.audit?.record({
    actorId,
    action: 'population.import',
    target: source,
    details: { hamlets: parsed.rows.length, changes },
  });
  return { ok: true, summary: importSummary(parsed.rows, deps.lists), changes };
}
