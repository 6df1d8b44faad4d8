/**
 * @module content/liveCommune
 *
 * The commune the running service reads, kept current without a restart.
 * commune.yaml is read once at start; what staff save in the console lives in
 * the database and is laid over it (communeSettings). Every reader (the
 * registration form listing hamlets, the "where to ask" lines, reports) holds
 * this one object and reads its fields when it needs them, so a save shows in
 * the very next reply.
 *
 * The object always holds a loaded copy, and reading it never waits: the
 * answer path calls `refresh()` on every turn and reads the fields at once.
 * Over a synchronous store (SQLite) `refresh()` costs one small read and
 * reloads on the spot when another process saved. Over an asynchronous store
 * (PostgreSQL) it starts one revision read in the background (never more than
 * one at a time) and the turns after it see the newer copy; a save made by
 * this process is awaited with `reload()`, so it shows in the very next reply
 * all the same. Console pages that must see another process's save before
 * they render await `refreshed()`.
 */
import type { MaybePromise } from '../core/ports.js';
import type {
  CommuneOverrides,
  CommuneSettingsSource,
  SyncCommuneSettingsSource,
} from '../core/stores/communeSettings.js';
import { applyOverrides } from './communeSettings.js';
import type { CommuneConfig } from './loadCommune.js';

export interface LiveCommune extends CommuneConfig {
  /** The commune as it is now (a plain object that no longer changes). */
  snapshot(): CommuneConfig;
  /** What commune.yaml alone gives, before the console's sections. */
  readonly file: CommuneConfig;
  /**
   * Picks up a save made elsewhere; never waits (see the module notes): at
   * once over a synchronous store, by the next reads over an asynchronous one.
   */
  refresh(): void;
  /** Waits for the store and reloads when it changed: the commune including every committed save. */
  refreshed(): Promise<CommuneConfig>;
  /** Reloads now (after this process saved); a promise over an asynchronous store. */
  reload(): MaybePromise<CommuneConfig>;
}

/** A synchronous LiveCommune: its `reload()` answers at once. */
export interface SyncLiveCommune extends LiveCommune {
  reload(): CommuneConfig;
}

export interface LiveCommuneOptions {
  /** Receives the problems of a (re)load, e.g. a saved team whose hamlet the file no longer lists. */
  readonly report?: (problems: string[]) => void;
  /** Receives a failed background check (asynchronous store); the loaded copy stays in use. */
  readonly onError?: (err: unknown) => void;
}

function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * The live commune over a synchronous store (SQLite), loaded before it returns.
 * @param file the commune read from commune.yaml
 * @param store the settings saved in the console; without it the commune is the file's, fixed
 * @param report receives the problems of a (re)load, e.g. a saved team whose hamlet the file no longer lists
 */
export function createLiveCommune(
  file: CommuneConfig,
  store?: SyncCommuneSettingsSource,
  report: (problems: string[]) => void = () => {},
): SyncLiveCommune {
  // Over a synchronous store every load answers at once.
  const live = liveOver(file, store, { report }) as SyncLiveCommune;
  live.reload();
  return live;
}

/** The live commune over any store (PostgreSQL's answers later), loaded before the promise resolves. */
export async function openLiveCommune(
  file: CommuneConfig,
  store: CommuneSettingsSource,
  options: LiveCommuneOptions = {},
): Promise<LiveCommune> {
  const live = liveOver(file, store, options);
  await live.reload();
  return live;
}

/**
 * The live commune over any store, not loaded yet: it serves the file's
 * sections until `await live.reload()`. For a constructor that cannot wait
 * (services.ts builds its parts synchronously): reload in its async start-up
 * (`load()`/`ingest()`) before the first message is served.
 */
export function liveCommuneOver(
  file: CommuneConfig,
  store: CommuneSettingsSource,
  options: LiveCommuneOptions = {},
): LiveCommune {
  return liveOver(file, store, options);
}

function liveOver(
  file: CommuneConfig,
  store: CommuneSettingsSource | undefined,
  options: LiveCommuneOptions,
): LiveCommune {
  const report = options.report ?? (() => {});
  let current = file;
  let revision = -1;
  let checking = false;

  /** Revisions only grow: a load that finishes after a newer one leaves the newer in place. */
  function apply(rev: number, overrides: CommuneOverrides): CommuneConfig {
    if (rev < revision) return current;
    revision = rev;
    const { commune, problems } = applyOverrides(file, overrides);
    current = commune;
    if (problems.length > 0) report(problems);
    return current;
  }

  // The revision is read before the overrides: the rows read are at least that new, and a newer
  // save than the revision says only makes the next check load again.
  function reload(): MaybePromise<CommuneConfig> {
    if (!store) return current;
    const rev = store.revision();
    if (isPromise(rev)) return rev.then(async (r) => apply(r, await store.overrides()));
    const overrides = store.overrides();
    return isPromise(overrides) ? overrides.then((o) => apply(rev, o)) : apply(rev, overrides);
  }

  async function refreshed(): Promise<CommuneConfig> {
    if (!store) return current;
    return (await store.revision()) !== revision ? reload() : current;
  }

  function refresh(): void {
    if (!store || checking) return;
    const rev = store.revision();
    if (!isPromise(rev)) {
      const loaded = rev !== revision ? reload() : current;
      if (isPromise(loaded)) loaded.catch((err: unknown) => options.onError?.(err));
      return;
    }
    checking = true;
    void rev
      .then((r) => (r !== revision ? reload() : current))
      .catch((err: unknown) => options.onError?.(err))
      .finally(() => {
        checking = false;
      });
  }

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
    refresh,
    refreshed,
    reload,
  };
}
