/**
 * @module core/stores/populationEdit
 *
 * A change staff make to the population figures (typed grid, CSV upload,
 * `cli population import`), and what it changed, for the audit log. Shared by
 * the parsers that build edits and the store that applies them.
 */
import type { MaybePromise } from '../ports.js';

/** One cell to set; `null` clears it (the figure becomes unknown again). */
export interface PopulationCell {
  readonly hamletId: string;
  readonly groupId: string;
  readonly people: number | null;
}

export interface CertifiedCell {
  readonly hamletId: string;
  readonly certified: number | null;
}

export interface PopulationEdit {
  readonly population: readonly PopulationCell[];
  readonly certified: readonly CertifiedCell[];
}

/** A value that changed: before and after (`null`: not entered). Figures only, never a person. */
export interface PopulationChange {
  readonly hamletId: string;
  /** Absent for the VNeID-certified count, which is per hamlet. */
  readonly groupId?: string;
  readonly before: number | null;
  readonly after: number | null;
}

/** Applies population edits in one transaction. */
export interface PopulationStore {
  save(edit: PopulationEdit, by: string, now: Date): MaybePromise<PopulationChange[]>;
}
