/**
 * @module core/stores/communeSettings
 *
 * The commune settings staff save in the console (hamlets, contacts). They
 * override the matching sections of knowledge/commune.yaml; a section staff
 * never saved keeps coming from the file. The revision lets a running
 * service (or another process on the same database) notice a save with one
 * small read instead of reloading on every turn.
 *
 * The SQLite store answers synchronously, the PostgreSQL one with promises
 * (`MaybePromise`); callers await. The live commune (content/liveCommune.ts)
 * keeps a loaded copy, so the answer path never waits on this store.
 */
import type { MaybePromise } from '../ports.js';
import type { NamedItem } from '../registry/types.js';

/** What the console saved, in commune.yaml's shapes; an absent section is taken from the file. */
export interface CommuneOverrides {
  readonly hamlets?: readonly NamedItem[];
  /** The `contacts:` section as commune.yaml writes it (office, police, digital_teams). */
  readonly contacts?: Readonly<Record<string, unknown>>;
}

export interface CommuneSettingsSource {
  /** Grows at every save; 0 before the first. */
  revision(): MaybePromise<number>;
  overrides(): MaybePromise<CommuneOverrides>;
}

/** A source that answers at once (SQLite): what a synchronous reader, e.g. a CLI command, needs. */
export interface SyncCommuneSettingsSource extends CommuneSettingsSource {
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

/** What the console's settings page reads and saves (SQLite or PostgreSQL). */
export interface CommuneSettingsStore extends CommuneSettingsSource {
  /** How many records are filed under each id (ids used by nothing come back with zeros). */
  usage(hamletIds: readonly string[]): MaybePromise<Map<string, HamletUsage>>;
  /** Ids among `hamletIds` that some record uses, with what uses them. */
  usedAmong(hamletIds: readonly string[]): MaybePromise<Map<string, HamletUsage>>;
  /**
   * Replaces the hamlet list; refuses (HamletInUseError, nothing written)
   * when any of `takenAway` is used at the moment of the save.
   */
  saveHamlets(hamlets: readonly NamedItem[], takenAway: readonly string[], by: string, now: Date): MaybePromise<void>;
  /** Stores the contacts (already checked, in commune.yaml's shape). */
  saveContacts(contacts: Readonly<Record<string, unknown>>, by: string, now: Date): MaybePromise<void>;
}

/** An edit tried to take away hamlet ids that records are filed under. */
export class HamletInUseError extends Error {
  constructor(readonly usage: ReadonlyMap<string, HamletUsage>) {
    super(`hamlet ids in use: ${[...usage.keys()].join(', ')}`);
    this.name = 'HamletInUseError';
  }
}

/** The usage of an id nothing uses. */
export const NO_HAMLET_USAGE: HamletUsage = { citizens: 0, anonymous: 0, population: 0, staff: 0 };

/** Keeps the ids some record uses. */
export function usedOnly(usage: ReadonlyMap<string, HamletUsage>): Map<string, HamletUsage> {
  const used = new Map<string, HamletUsage>();
  for (const [id, u] of usage) {
    if (u.citizens + u.anonymous + u.population + u.staff > 0) used.set(id, u);
  }
  return used;
}

/**
 * The saved contacts once the hamlets not in `kept` are gone: their digital
 * teams go with them. Undefined when nothing changes.
 */
export function contactsWithoutGoneHamlets(
  contactsJson: string | null | undefined,
  kept: ReadonlySet<string>,
): string | undefined {
  if (!contactsJson) return undefined;
  const raw = JSON.parse(contactsJson) as Record<string, unknown>;
  if (!Array.isArray(raw.digital_teams)) return undefined;
  const teams = (raw.digital_teams as { hamlet?: unknown }[]).filter(
    (t) => typeof t.hamlet === 'string' && kept.has(t.hamlet),
  );
  const { digital_teams: _old, ...rest } = raw;
  const next = teams.length > 0 ? { ...rest, digital_teams: teams } : rest;
  return JSON.stringify(next);
}
