/**
 * The live commune over an asynchronous settings store (PostgreSQL's shape):
 * reading it never waits, `refresh()` on the answer path starts at most one
 * background check at a time and the next reads see its result, a failed
 * check keeps the loaded copy, and a load that finishes late never replaces
 * a newer one.
 */
import { describe, expect, it } from 'vitest';
import { openLiveCommune } from '../../../src/content/liveCommune.js';
import { DEFAULT_COMMUNE } from '../../../src/content/loadCommune.js';
import type { CommuneOverrides, CommuneSettingsSource } from '../../../src/core/stores/communeSettings.js';

/** A store whose answers come back only when the test lets them. */
function gatedStore(): CommuneSettingsSource & {
  saved: { revision: number; overrides: CommuneOverrides };
  reads: number;
  open(): void;
  close(): void;
  fail: boolean;
} {
  let gate: Promise<void> = Promise.resolve();
  let release = (): void => undefined;
  const store = {
    saved: { revision: 0, overrides: {} as CommuneOverrides },
    reads: 0,
    fail: false,
    open() {
      release();
      gate = Promise.resolve();
    },
    close() {
      gate = new Promise<void>((resolve) => (release = resolve));
    },
    async revision() {
      store.reads++;
      const value = store.saved.revision;
      await gate;
      if (store.fail) throw new Error('connection lost');
      return value;
    },
    async overrides() {
      const value = store.saved.overrides;
      await gate;
      return value;
    },
  };
  return store;
}

const FILE = { ...DEFAULT_COMMUNE, hamlets: [{ id: 'xom-1', name: 'Xóm 1' }] };
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the live commune over an asynchronous store', () => {
  it('is loaded once opened, then refresh() checks in the background, one check at a time', async () => {
    const store = gatedStore();
    store.saved = { revision: 1, overrides: { hamlets: [{ id: 'xom-a', name: 'Xóm A' }] } };
    const live = await openLiveCommune(FILE, store);
    expect(live.hamlets.map((h) => h.id)).toEqual(['xom-a']);

    store.saved = { revision: 2, overrides: { hamlets: [{ id: 'xom-b', name: 'Xóm B' }] } };
    store.close();
    const before = store.reads;
    live.refresh();
    live.refresh();
    live.refresh();
    // Nothing waited, the copy in hand is still served, and only one read is in flight.
    expect(live.hamlets.map((h) => h.id)).toEqual(['xom-a']);
    expect(store.reads - before).toBe(1);
    store.open();
    await flush();
    expect(live.hamlets.map((h) => h.id)).toEqual(['xom-b']);
    // Once done, the next refresh() checks again.
    const after = store.reads;
    live.refresh();
    expect(store.reads - after).toBe(1);
  });

  it('keeps the loaded copy when a background check fails, and reports the error', async () => {
    const store = gatedStore();
    const errors: unknown[] = [];
    const live = await openLiveCommune(FILE, store, { onError: (err) => errors.push(err) });
    store.fail = true;
    live.refresh();
    await flush();
    expect(errors).toHaveLength(1);
    expect(live.hamlets.map((h) => h.id)).toEqual(['xom-1']);
    store.fail = false;
    store.saved = { revision: 1, overrides: { hamlets: [] } };
    await live.refreshed();
    expect(live.hamlets).toEqual([]);
  });

  it('never lets a load that finishes late replace a newer one', async () => {
    const store = gatedStore();
    const live = await openLiveCommune(FILE, store);
    store.saved = { revision: 1, overrides: { hamlets: [{ id: 'cu', name: 'Cũ' }] } };
    store.close();
    const late = live.reload();
    store.open();
    store.saved = { revision: 2, overrides: { hamlets: [{ id: 'moi', name: 'Mới' }] } };
    await live.reload();
    expect(live.hamlets.map((h) => h.id)).toEqual(['moi']);
    await late;
    expect(live.hamlets.map((h) => h.id)).toEqual(['moi']);
  });
});
