/**
 * The console's settings on a SQLite file (migration 012): hamlets and
 * contacts with their revision, what uses a hamlet id, the population
 * figures as the reports' PopulationSource, and the live commune a running
 * service reads.
 */
import { addStaffAccount } from '../../src/staff/accounts.js';
import { SqliteStaffStore } from '../../src/storage/sqlite/staffStore.js';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLiveCommune } from '../../src/content/liveCommune.js';
import { DEFAULT_COMMUNE } from '../../src/content/loadCommune.js';
import type { PopulationSource } from '../../src/core/stores/reports.js';
import { SqliteCitizenRepo } from '../../src/storage/sqlite/citizenRepo.js';
import { HamletInUseError, SqliteCommuneSettingsRepo } from '../../src/storage/sqlite/communeSettingsRepo.js';
import { openDatabase, type Db } from '../../src/storage/sqlite/db.js';
import { SqlitePopulationRepo } from '../../src/storage/sqlite/populationRepo.js';
import { tempDir } from '../helpers.js';

const COMMUNE = 'hung-chau';
const NOW = new Date('2026-12-01T08:00:00.000Z');

let tmp: ReturnType<typeof tempDir>;
let db: Db;
let settings: SqliteCommuneSettingsRepo;
let population: SqlitePopulationRepo;

beforeEach(() => {
  tmp = tempDir('hocvuso-settings-');
  db = openDatabase(join(tmp.dir, 'hocvuso.db'));
  settings = new SqliteCommuneSettingsRepo(db, COMMUNE);
  population = new SqlitePopulationRepo(db, COMMUNE);
});

afterEach(() => {
  db.close();
  tmp.cleanup();
});

describe('SqliteCommuneSettingsRepo', () => {
  it('has no overrides and revision 0 until staff save', () => {
    expect(settings.revision()).toBe(0);
    expect(settings.overrides()).toEqual({});
  });

  it('stores the hamlets in order and the contacts, one revision per save', () => {
    settings.saveHamlets(
      [
        { id: 'xom-2', name: 'Xóm 2' },
        { id: 'xom-1', name: 'Xóm 1' },
      ],
      [],
      'admin-1',
      NOW,
    );
    expect(settings.revision()).toBe(1);
    expect(settings.overrides()).toEqual({
      hamlets: [
        { id: 'xom-2', name: 'Xóm 2' },
        { id: 'xom-1', name: 'Xóm 1' },
      ],
    });
    settings.saveContacts({ office: { phone: '0238 3000 001' } }, 'admin-1', NOW);
    expect(settings.revision()).toBe(2);
    expect(settings.overrides().contacts).toEqual({ office: { phone: '0238 3000 001' } });
  });

  it('keeps an empty saved hamlet list as a saved list (it replaces the file)', () => {
    settings.saveHamlets([], [], 'admin-1', NOW);
    expect(settings.overrides()).toEqual({ hamlets: [] });
  });

  it('drops the saved team of a hamlet that leaves the list', () => {
    settings.saveHamlets(
      [
        { id: 'xom-1', name: 'Xóm 1' },
        { id: 'xom-2', name: 'Xóm 2' },
      ],
      [],
      'a',
      NOW,
    );
    settings.saveContacts(
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
    settings.saveHamlets([{ id: 'xom-1', name: 'Xóm 1' }], ['xom-2'], 'a', NOW);
    expect(settings.overrides().contacts).toEqual({
      office: { phone: '0238 3000 001' },
      digital_teams: [{ hamlet: 'xom-1', name: 'Chị Lan' }],
    });
  });

  it('says what uses a hamlet id: citizens, anonymous counts, population, staff accounts', async () => {
    const citizens = new SqliteCitizenRepo(db, COMMUNE, { coreQuizzes: [] });
    const c = citizens.ensure({ channel: 'web', userId: 'u1' }, 'c1', NOW);
    citizens.update(c.id, { profile: { hamlet: 'xom-1' } }, NOW);
    db.prepare(
      `INSERT INTO anonymous_passes (commune_id, hamlet, target_group, quiz_id, passed_on, passes)
       VALUES (?, 'xom-2', '', 'q', '2026-12-01', 1)`,
    ).run(COMMUNE);
    population.save({ population: [{ hamletId: 'xom-3', groupId: 'khac', people: 5 }], certified: [] }, 'a', NOW);
    population.save({ population: [], certified: [{ hamletId: 'xom-4', certified: 0 }] }, 'a', NOW);
    expect([...settings.usedAmong(['xom-1', 'xom-2', 'xom-3', 'xom-4', 'xom-5']).keys()]).toEqual([
      'xom-1',
      'xom-2',
      'xom-3',
      'xom-4',
    ]);
    expect(settings.usage(['xom-1']).get('xom-1')).toEqual({ citizens: 1, anonymous: 0, population: 0, staff: 0 });

    // A hamlet team's staff account uses its hamlet's id too.
    await addStaffAccount(
      new SqliteStaffStore(db, COMMUNE),
      { id: 's1', name: 'Tổ xóm 5', role: 'hamlet', hamletId: 'xom-5' },
      { clock: { now: () => NOW } },
    );
    expect(settings.usage(['xom-5']).get('xom-5')).toEqual({ citizens: 0, anonymous: 0, population: 0, staff: 1 });
  });

  it('refuses, inside the transaction, to take away a used id, and writes nothing', () => {
    settings.saveHamlets([{ id: 'xom-1', name: 'Xóm 1' }], [], 'a', NOW);
    population.save({ population: [{ hamletId: 'xom-1', groupId: 'khac', people: 5 }], certified: [] }, 'a', NOW);
    expect(() => settings.saveHamlets([{ id: 'xom-01', name: 'Xóm 1' }], ['xom-1'], 'a', NOW)).toThrow(
      HamletInUseError,
    );
    expect(settings.overrides().hamlets).toEqual([{ id: 'xom-1', name: 'Xóm 1' }]);
    expect(settings.revision()).toBe(1);
    // Renaming the display name is fine.
    settings.saveHamlets([{ id: 'xom-1', name: 'Xóm Đông' }], [], 'a', NOW);
    expect(settings.overrides().hamlets).toEqual([{ id: 'xom-1', name: 'Xóm Đông' }]);
  });
});

describe('SqlitePopulationRepo', () => {
  it('is the reports’ PopulationSource, and says which figures a save changed', () => {
    const source: PopulationSource = population;
    expect(source.population()).toEqual([]);
    const first = population.save(
      {
        population: [
          { hamletId: 'xom-1', groupId: 'nguoi-dan', people: 1200 },
          { hamletId: 'xom-1', groupId: 'khac', people: null },
        ],
        certified: [{ hamletId: 'xom-1', certified: 400 }],
      },
      'admin-1',
      NOW,
    );
    expect(first).toEqual([
      { hamletId: 'xom-1', groupId: 'nguoi-dan', before: null, after: 1200 },
      { hamletId: 'xom-1', before: null, after: 400 },
    ]);
    const second = population.save(
      {
        population: [{ hamletId: 'xom-1', groupId: 'nguoi-dan', people: 1250 }],
        certified: [{ hamletId: 'xom-1', certified: null }],
      },
      'admin-1',
      NOW,
    );
    expect(second).toEqual([
      { hamletId: 'xom-1', groupId: 'nguoi-dan', before: 1200, after: 1250 },
      { hamletId: 'xom-1', before: 400, after: null },
    ]);
    expect(source.population()).toEqual([{ hamletId: 'xom-1', groupId: 'nguoi-dan', people: 1250 }]);
    expect(source.vneidCertified()).toEqual([]);
    const row = db.prepare('SELECT updated_by, updated_at FROM population').get() as Record<string, string>;
    expect(row).toEqual({ updated_by: 'admin-1', updated_at: NOW.toISOString() });
  });

  it('rejects a negative figure at the database too', () => {
    expect(() =>
      population.save({ population: [{ hamletId: 'x', groupId: 'g', people: -1 }], certified: [] }, 'a', NOW),
    ).toThrow(/CHECK/);
    expect(population.population()).toEqual([]);
  });
});

describe('createLiveCommune over the database', () => {
  it('lays saved sections over the file and sees another connection’s save at refresh()', () => {
    const file = { ...DEFAULT_COMMUNE, hamlets: [{ id: 'xom-1', name: 'Xóm 1' }] };
    const live = createLiveCommune(file, settings);
    expect(live.hamlets).toEqual([{ id: 'xom-1', name: 'Xóm 1' }]);
    // Another process on the same file saves.
    const other = openDatabase(join(tmp.dir, 'hocvuso.db'));
    try {
      new SqliteCommuneSettingsRepo(other, COMMUNE).saveHamlets(
        [
          { id: 'xom-1', name: 'Xóm 1' },
          { id: 'xom-2', name: 'Xóm 2' },
        ],
        [],
        'a',
        NOW,
      );
    } finally {
      other.close();
    }
    expect(live.hamlets).toHaveLength(1);
    live.refresh();
    expect(live.hamlets.map((h) => h.id)).toEqual(['xom-1', 'xom-2']);
    expect(live.file.hamlets).toHaveLength(1);
  });
});
