/**
 * The CommuneSettingsStore contract (core/stores/communeSettings.ts), run on
 * SQLite (test/integration/contentContracts.test.ts) and PostgreSQL
 * (test/pg/contentRepos.test.ts): hamlets and contacts staff save in the
 * console, one revision per save, what uses a hamlet id, and a save that
 * would take away a used id refused with nothing written. Named *.contract.ts
 * so no vitest config collects it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MaybePromise } from '../../src/core/ports.js';
import { HamletInUseError, type CommuneSettingsStore } from '../../src/core/stores/communeSettings.js';
import type { TableAccess } from './tables.js';

export interface CommuneSettingsSubject {
  readonly store: CommuneSettingsStore;
  readonly communeId: string;
  readonly tables: TableAccess;
  readonly close: () => MaybePromise<void>;
}

const NOW = new Date('2026-12-01T08:00:00.000Z');

export function describeCommuneSettingsContract(name: string, make: () => MaybePromise<CommuneSettingsSubject>): void {
  describe(`CommuneSettingsStore contract (${name})`, () => {
    let subject: CommuneSettingsSubject | undefined;
    const open = async (): Promise<CommuneSettingsSubject> => (subject = await make());
    afterEach(async () => {
      await subject?.close();
      subject = undefined;
    });

    it('has no overrides and revision 0 until staff save', async () => {
      const { store } = await open();
      expect(await store.revision()).toBe(0);
      expect(await store.overrides()).toEqual({});
    });

    it('stores the hamlets in order and the contacts, one revision per save', async () => {
      const { store, tables } = await open();
      const hamlets = [
        { id: 'xom-2', name: 'Xóm 2' },
        { id: 'xom-1', name: 'Xóm 1' },
      ];
      await store.saveHamlets(hamlets, [], 'admin-1', NOW);
      expect(await store.revision()).toBe(1);
      expect(await store.overrides()).toEqual({ hamlets });
      await store.saveContacts({ office: { phone: '0238 3000 001' } }, 'admin-2', NOW);
      expect(await store.revision()).toBe(2);
      expect(await store.overrides()).toEqual({ hamlets, contacts: { office: { phone: '0238 3000 001' } } });
      const [row] = await tables.rows('commune_settings');
      expect(row).toMatchObject({
        revision: 2,
        hamlets_saved: 1,
        updated_by: 'admin-2',
        updated_at: NOW.toISOString(),
      });
      // Saving again renames, reorders, adds and removes.
      await store.saveHamlets(
        [
          { id: 'xom-1', name: 'Xóm Đông' },
          { id: 'xom-3', name: 'Xóm 3' },
        ],
        ['xom-2'],
        'admin-1',
        NOW,
      );
      expect((await store.overrides()).hamlets).toEqual([
        { id: 'xom-1', name: 'Xóm Đông' },
        { id: 'xom-3', name: 'Xóm 3' },
      ]);
      expect(await store.revision()).toBe(3);
    });

    it('keeps an empty saved hamlet list as a saved list (it replaces the file)', async () => {
      const { store } = await open();
      await store.saveContacts({ office: { phone: '0238 3000 001' } }, 'a', NOW);
      expect((await store.overrides()).hamlets).toBeUndefined();
      await store.saveHamlets([{ id: 'xom-1', name: 'Xóm 1' }], [], 'a', NOW);
      await store.saveHamlets([], ['xom-1'], 'a', NOW);
      expect(await store.overrides()).toEqual({ hamlets: [], contacts: { office: { phone: '0238 3000 001' } } });
    });

    it('drops the saved team of a hamlet that leaves the list', async () => {
      const { store } = await open();
      const two = [
        { id: 'xom-1', name: 'Xóm 1' },
        { id: 'xom-2', name: 'Xóm 2' },
      ];
      await store.saveHamlets(two, [], 'a', NOW);
      await store.saveContacts(
        {
          office: { phone: '0238 3000 001' },
          digital_teams: [
            { hamlet: 'xom-1', name: 'Chị Lan' },
            { hamlet: 'xom-2', name: 'Anh Nam' },
          ],
        },
        'a',
        NOW,
      );
      await store.saveHamlets([{ id: 'xom-1', name: 'Xóm 1' }], ['xom-2'], 'a', NOW);
      expect((await store.overrides()).contacts).toEqual({
        office: { phone: '0238 3000 001' },
        digital_teams: [{ hamlet: 'xom-1', name: 'Chị Lan' }],
      });
    });

    it('says what uses a hamlet id: citizens, anonymous counts, population, staff accounts', async () => {
      const { store, tables, communeId } = await open();
      const at = NOW.toISOString();
      await tables.insert('citizens', {
        commune_id: communeId,
        id: 'c1',
        hamlet: 'xom-1',
        created_at: at,
        updated_at: at,
      });
      await tables.insert('anonymous_passes', {
        commune_id: communeId,
        hamlet: 'xom-2',
        target_group: '',
        quiz_id: 'q',
        passed_on: '2026-12-01',
        passes: 1,
      });
      await tables.insert('anonymous_completions', {
        commune_id: communeId,
        hamlet: 'xom-2',
        target_group: '',
        completed_on: '2026-12-01',
        completions: 2,
      });
      await tables.insert('population', {
        commune_id: communeId,
        hamlet_id: 'xom-3',
        group_id: 'khac',
        people: 5,
        updated_at: at,
        updated_by: 'a',
      });
      await tables.insert('vneid_certified', {
        commune_id: communeId,
        hamlet_id: 'xom-3',
        certified: 0,
        updated_at: at,
        updated_by: 'a',
      });
      await tables.insert('staff_accounts', {
        commune_id: communeId,
        id: 's1',
        name: 'Tổ xóm 5',
        role: 'hamlet',
        hamlet_id: 'xom-5',
        created_at: at,
      });
      const ids = ['xom-1', 'xom-2', 'xom-3', 'xom-5', 'xom-6', 'xom-1'];
      expect([...(await store.usedAmong(ids)).keys()].sort()).toEqual(['xom-1', 'xom-2', 'xom-3', 'xom-5']);
      const usage = await store.usage(ids);
      expect(Object.fromEntries(usage)).toEqual({
        'xom-1': { citizens: 1, anonymous: 0, population: 0, staff: 0 },
        'xom-2': { citizens: 0, anonymous: 2, population: 0, staff: 0 },
        'xom-3': { citizens: 0, anonymous: 0, population: 2, staff: 0 },
        'xom-5': { citizens: 0, anonymous: 0, population: 0, staff: 1 },
        'xom-6': { citizens: 0, anonymous: 0, population: 0, staff: 0 },
      });
      expect((await store.usedAmong([])).size).toBe(0);
    });

    it('refuses, inside the save, to take away a used id, and writes nothing', async () => {
      const { store, tables, communeId } = await open();
      await store.saveHamlets([{ id: 'xom-1', name: 'Xóm 1' }], [], 'a', NOW);
      await tables.insert('population', {
        commune_id: communeId,
        hamlet_id: 'xom-1',
        group_id: 'khac',
        people: 5,
        updated_at: NOW.toISOString(),
        updated_by: 'a',
      });
      const refused = await Promise.resolve()
        .then(() => store.saveHamlets([{ id: 'xom-01', name: 'Xóm 1' }], ['xom-1'], 'a', NOW))
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(refused).toBeInstanceOf(HamletInUseError);
      expect([...(refused as HamletInUseError).usage.keys()]).toEqual(['xom-1']);
      expect((await store.overrides()).hamlets).toEqual([{ id: 'xom-1', name: 'Xóm 1' }]);
      expect(await store.revision()).toBe(1);
      // Renaming the display name is fine.
      await store.saveHamlets([{ id: 'xom-1', name: 'Xóm Đông' }], [], 'a', NOW);
      expect((await store.overrides()).hamlets).toEqual([{ id: 'xom-1', name: 'Xóm Đông' }]);
    });
  });
}
