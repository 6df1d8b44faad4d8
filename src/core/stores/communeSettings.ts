/**
 * @module core/stores/communeSettings
 *
 * The commune settings staff save in the console (hamlets, contacts). They
 * override the matching sections of knowledge/commune.yaml; a section staff
 * never saved keeps coming from the file. The revision lets a running
 * service (or another process on the same database) notice a save with one
 * small read instead of reloading on every turn.
 */
import type { NamedItem } from '../registry/types.js';

/** What the console saved, in commune.yaml's shapes; an absent section is taken from the file. */
export interface CommuneOverrides {
  readonly hamlets?: readonly NamedItem[];
  /** The `contacts:` section as commune.yaml writes it (office, police, digital_teams). */
  readonly contacts?: Readonly<Record<string, unknown>>;
}

export interface CommuneSettingsSource {
  /** Grows at every save; 0 before the first. */
  revision(): number;
  overrides(): CommuneOverrides;
}

/** How many records use one hamlet id: any of them makes the id permanent. */
export interface HamletUsage {
  /** Citizen profiles naming the hamlet. */
  readonly citizens: number;
  /** Anonymous counts left by residents who deleted their data (passes, completions). */
  readonly anonymous: number;
  /** Population and VNeID-certified rows staff entered. */
  readonly population: number;
  /** Staff accounts of that hamlet's team. */
  readonly staff: number;
}
