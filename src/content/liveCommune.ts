/**
 * @module content/liveCommune
 *
 * The commune the running service reads, kept current without a restart.
 * commune.yaml is read once at start; what staff save in the console lives in
 * the database and is laid over it (communeSettings). Every reader (the
 * registration form listing hamlets, the "where to ask" lines, reports) holds
 * this one object and reads its fields when it needs them, so a save shows in
 * the very next reply. `refresh()` costs one small read and picks up a save
 * made by another process on the same database (e.g. a second server).
 */
import type { CommuneSettingsSource } from '../core/stores/communeSettings.js';
import { applyOverrides } from './communeSettings.js';
import type { CommuneConfig } from './loadCommune.js';

export interface LiveCommune extends CommuneConfig {
  /** The commune as it is now (a plain object that no longer changes). */
  snapshot(): CommuneConfig;
  /** What commune.yaml alone gives, before the console's sections. */
  readonly file: CommuneConfig;
  /** Reloads when the stored settings changed since the last load; one small read otherwise. */
  refresh(): void;
  /** Reloads now (after this process saved). */
  reload(): CommuneConfig;
}

/**
 * @param file the commune read from commune.yaml
 * @param store the settings saved in the console; without it the commune is the file's, fixed
 * @param report receives the problems of a (re)load, e.g. a saved team whose hamlet the file no longer lists
 */
export function createLiveCommune(
  file: CommuneConfig,
  store?: CommuneSettingsSource,
  report: (problems: string[]) => void = () => {},
): LiveCommune {
  let current = file;
  let revision = -1;

  function reload(): CommuneConfig {
    if (!store) return current;
    revision = store.revision();
    const { commune, problems } = applyOverrides(file, store.overrides());
    current = commune;
    if (problems.length > 0) report(problems);
    return current;
  }

  reload();
  return {
    get name() {
      return current.name;
    },
    get hamlets() {
      return current.hamlets;
    },
    get groups() {
      return current.groups;
    },
    get targets() {
      return current.targets;
    },
    get coreQuizzes() {
      return current.coreQuizzes;
    },
    get contacts() {
      return current.contacts;
    },
    file,
    snapshot: () => current,
    refresh: () => {
      if (store && store.revision() !== revision) reload();
    },
    reload,
  };
}
